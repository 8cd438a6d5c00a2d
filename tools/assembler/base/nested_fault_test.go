package base

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
)

// A registry index whose nested index cannot be read fails with the fetch's
// error: the user learns that the registry failed, not that the base has no
// image for the platform.
func TestOpenRegistryReportsANestedIndexFetchError(t *testing.T) {
	img, err := random.Image(1024, 1)
	if err != nil {
		t.Fatal(err)
	}
	inner := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &hostPlatform}})
	outer := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: inner})
	innerDigest, err := inner.Digest()
	if err != nil {
		t.Fatal(err)
	}
	reg := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/manifests/"+innerDigest.String()) {
			http.Error(w, "the nested index is unavailable", http.StatusServiceUnavailable)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	tag, err := name.ParseReference(host + "/team/base:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(tag, outer); err != nil {
		t.Fatal(err)
	}
	outerDigest, err := outer.Digest()
	if err != nil {
		t.Fatal(err)
	}
	fast := registry.Options{Backoff: remote.Backoff{Duration: time.Millisecond, Factor: 1, Steps: 2}}
	_, err = Open(context.Background(), host+"/team/base@"+outerDigest.String(), hostPlatform, WithWorkDir(t.TempDir()), WithRegistry(fast))
	wantError(t, err, "503")
	if err != nil && strings.Contains(err.Error(), "no image") {
		t.Errorf("the error hides the fetch failure:\n%v", err)
	}
}
