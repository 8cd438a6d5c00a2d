package testenv

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Slow bodies arrive whole, and no faster than the limit: a lower bound,
// which a busy machine cannot break.
func TestFaultProxySlowBodies(t *testing.T) {
	reg := StartRegistry(t, false)
	proxy := StartFaultProxy(t, reg.Host)
	layer, err := random.Layer(200<<10, "application/vnd.oci.image.layer.v1.tar")
	if err != nil {
		t.Fatal(err)
	}
	repo, err := name.NewRepository(proxy.Host + "/slow/app")
	if err != nil {
		t.Fatal(err)
	}
	const rate = 1 << 20
	proxy.Slow(rate)
	size, _ := layer.Size()
	start := time.Now()
	if err := remote.WriteLayer(repo, layer); err != nil {
		t.Fatal(err)
	}
	d, _ := layer.Digest()
	pulled, err := remote.Layer(repo.Digest(d.String()))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := pulled.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := layer.Compressed()
	wantBytes, _ := io.ReadAll(want)
	if !bytes.Equal(got, wantBytes) {
		t.Errorf("the layer read back through the slow proxy differs from the one written")
	}
	// Up and down: twice the layer's size at rate.
	if least := time.Duration(2 * size * int64(time.Second) / rate); time.Since(start) < least*9/10 {
		t.Errorf("%d bytes went up and down in %s, faster than %d bytes a second allows (%s)", size, time.Since(start), rate, least)
	}
	if n := proxy.Count("PUT ", "/blobs/uploads/", " 201"); n != 1 {
		t.Errorf("the proxy logged %d accepted uploads, want 1:\n%s", n, proxy)
	}
}

// A storm answers every matching request; Left counts down a limited rule.
func TestFaultProxyRules(t *testing.T) {
	reg := StartRegistry(t, false)
	proxy := StartFaultProxy(t, reg.Host)
	storm := proxy.Inject(ManifestRequest, -1, Status(http.StatusBadGateway))
	twice := proxy.Inject(func(r *http.Request) bool { return r.URL.Path == "/v2/" }, 2, Status(http.StatusServiceUnavailable))
	for range 3 {
		resp, err := http.Get("http://" + proxy.Host + "/v2/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if proxy.Left(twice) != 0 || proxy.Left(storm) != -1 {
		t.Errorf("left: %d and %d, want 0 and -1 (a storm)", proxy.Left(twice), proxy.Left(storm))
	}
	if proxy.Count("GET /v2/ 503") != 2 || proxy.Count("GET /v2/ 200") != 1 {
		t.Errorf("want two 503s, then the registry's answer:\n%s", proxy)
	}
	proxy.Clear()
	if proxy.String() != "" {
		t.Errorf("Clear left the log:\n%s", proxy)
	}
}
