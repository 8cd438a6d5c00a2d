package base

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
)

// faultyProxy serves a real registry (docker-registry) through a proxy that
// injects fault into the first request the rule matches, times times.
type faultyProxy struct {
	mu    sync.Mutex
	left  int
	match func(*http.Request) bool
	fault func(http.ResponseWriter, *http.Request, *httputil.ReverseProxy)
	proxy *httputil.ReverseProxy
}

func (p *faultyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	inject := p.left > 0 && p.match(r)
	if inject {
		p.left--
	}
	p.mu.Unlock()
	if inject {
		p.fault(w, r, p.proxy)
		return
	}
	p.proxy.ServeHTTP(w, r)
}

func startFaultyProxy(t *testing.T, target string, times int, match func(*http.Request) bool, fault func(http.ResponseWriter, *http.Request, *httputil.ReverseProxy)) (string, *faultyProxy) {
	t.Helper()
	u, _ := url.Parse("http://" + target)
	p := &faultyProxy{left: times, match: match, fault: fault, proxy: httputil.NewSingleHostReverseProxy(u)}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	// 127.0.0.1 registries are spoken to over plain HTTP.
	return strings.TrimPrefix(srv.URL, "http://"), p
}

func isBlob(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/")
}
func isManifest(r *http.Request) bool { return strings.Contains(r.URL.Path, "/manifests/") }

// Registry bases go through the retry policy of every registry request:
// 5xx answers, Retry-After, a connection cut mid-body and a stall all end
// in a complete, verified import.
func TestImportSurvivesRegistryFaults(t *testing.T) {
	bases := testenv.SaveBases(t)
	reg := testenv.StartRegistry(t, false)
	ref := reg.Push(t, "oci:"+bases.OCILayout+":base", "team/base:v1")
	digest := ref[strings.LastIndex(ref, "@")+1:]
	fast := registry.Options{Backoff: remote.Backoff{Duration: 10 * time.Millisecond, Factor: 2, Steps: 5}, IdleTimeout: 500 * time.Millisecond}
	for _, tc := range []struct {
		name  string
		times int
		match func(*http.Request) bool
		fault func(http.ResponseWriter, *http.Request, *httputil.ReverseProxy)
	}{
		{"three 500s", 3, isManifest, func(w http.ResponseWriter, _ *http.Request, _ *httputil.ReverseProxy) {
			http.Error(w, "overloaded", http.StatusInternalServerError)
		}},
		{"429 with Retry-After", 1, isBlob, func(w http.ResponseWriter, _ *http.Request, _ *httputil.ReverseProxy) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}},
		{"a connection cut mid-body", 2, isBlob, cutMidBody},
		{"a stall", 1, isBlob, func(w http.ResponseWriter, r *http.Request, p *httputil.ReverseProxy) {
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host, proxy := startFaultyProxy(t, reg.Host, tc.times, tc.match, tc.fault)
			dir := filepath.Join(t.TempDir(), "layout")
			im, err := Import(context.Background(), host+"/team/base@"+digest, []v1.Platform{hostPlatform}, dir,
				WithWorkDir(t.TempDir()), WithRegistry(fast))
			if err != nil {
				t.Fatalf("Import through %s: %v", tc.name, err)
			}
			if proxy.left != 0 {
				t.Errorf("%d faults were not met", proxy.left)
			}
			checkOpens(t, dir, "linux/"+hostArch())
			if im.Digest != digest {
				t.Errorf("imported %s, want %s", im.Digest, digest)
			}
		})
	}
}

// cutMidBody sends half of the answer, then closes the connection.
func cutMidBody(w http.ResponseWriter, r *http.Request, p *httputil.ReverseProxy) {
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(body[:len(body)/2])
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	if h, ok := w.(http.Hijacker); ok {
		if conn, _, err := h.Hijack(); err == nil {
			conn.Close()
		}
	}
}

func hostArch() string { return hostPlatform.Architecture }

// A layer too large to read whole in a request is fetched again when its
// download breaks off.
func TestImportRefetchesABrokenLayer(t *testing.T) {
	img, err := random.Image(24<<20, 1)
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := img.ConfigFile()
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = hostPlatform.OS, hostPlatform.Architecture
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "src")
	p, _ := layout.Write(dir, empty.Index)
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	reg := testenv.StartRegistry(t, false)
	ref := reg.Push(t, "oci:"+dir, "team/big:v1")
	layers, _ := img.Layers()
	big, _ := layers[0].Digest()
	host, proxy := startFaultyProxy(t, reg.Host, 2, func(r *http.Request) bool {
		return isBlob(r) && strings.HasSuffix(r.URL.Path, big.String())
	}, cutMidBody)
	fast := registry.Options{Backoff: remote.Backoff{Duration: 10 * time.Millisecond, Factor: 2, Steps: 5}}
	out := filepath.Join(t.TempDir(), "layout")
	if _, err := Import(context.Background(), host+"/team/big@"+ref[strings.LastIndex(ref, "@")+1:], nil, out,
		WithWorkDir(t.TempDir()), WithRegistry(fast)); err != nil {
		t.Fatalf("Import of a layer cut twice mid-body: %v", err)
	}
	if proxy.left != 0 {
		t.Errorf("%d cuts were not met", proxy.left)
	}
	checkOpens(t, out, "linux/"+hostArch())
}
