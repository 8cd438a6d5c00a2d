package registry

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestManifestOfBlobsUploadedMeanwhile pushes to a registry that refuses
// the first manifest with MANIFEST_BLOB_UNKNOWN, as docker-registry does
// when another client uploads one of its blobs at the same time: the
// manifest is sent again, and the push succeeds.
func TestManifestOfBlobsUploadedMeanwhile(t *testing.T) {
	var refused atomic.Int32
	reg := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/") && refused.Add(1) == 1 {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"}]}`)
			return
		}
		reg.ServeHTTP(w, r)
	}))
	defer srv.Close()
	img, err := random.Image(256, 2)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(strings.TrimPrefix(srv.URL, "http://") + "/team/app:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img, RemoteOptions(context.Background(), Options{Keychain: authn.NewMultiKeychain()}, nil)...); err != nil {
		t.Fatalf("push: %v", err)
	}
	if n := refused.Load(); n != 2 {
		t.Errorf("the manifest was sent %d times, want twice", n)
	}
}
