package release

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Images on a base whose layers stay in its registry (a lazy goimage.pull)
// are released to another registry: each base layer is read from the base's
// registry once, streamed to the destination once, and mounted into the
// other repositories there, however many images need it.
func TestReleaseStreamsALazyBasesLayersOnce(t *testing.T) {
	src := testenv.StartMountingRegistry(t)
	dst := testenv.StartMountingRegistry(t)
	base, apps := appImages(t, 3, 2)
	baseRepo, err := name.NewRepository(src.Host + "/lazy/base")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(baseRepo.Tag("v1"), base); err != nil {
		t.Fatal(err)
	}
	baseLayers, _ := base.Layers()
	blobs := registry.NewBlobs(baseRepo, registry.RemoteOptions(context.Background(), registry.Options{}, nil))
	var targets []Target
	for i, app := range apps {
		dir := writeLayout(t, app)
		// The layout leaves the base's layers in the registry, as a lazy import does.
		for _, l := range baseLayers {
			h, _ := l.Digest()
			if err := os.Remove(filepath.Join(dir, "blobs", h.Algorithm, h.Hex)); err != nil {
				t.Fatal(err)
			}
		}
		label := "//" + string(rune('a'+i)) + ":image"
		targets = append(targets, Target{Label: label, Repository: dst.Host + "/team/" + string(rune('a'+i)), Tags: []string{"v1"},
			Open: func() (*store.Store, error) { return store.Open(dir, store.WithRemoteBlobs(blobs)) }})
	}
	log := &testenv.RequestLog{}
	results, _ := Run(context.Background(), targets, Options{Jobs: 2, Registry: registry.Options{Transport: log, Backoff: fastBackoff}})
	for _, r := range results {
		if !r.Pushed() {
			t.Fatalf("%s was not pushed: %v", r.Target.Label, r.Err)
		}
	}
	for _, l := range baseLayers {
		h, _ := l.Digest()
		if n := src.BlobReads(t, h); n != 1 {
			t.Errorf("base layer %s was read from the base's registry %d times, want once", h, n)
		}
		if n := uploads(log.Count, h.String()); n != 1 {
			t.Errorf("base layer %s was uploaded %d times, want once; requests:\n%s", h, n, log)
		}
		if n := mounts(log, h.String()); n != 2 {
			t.Errorf("base layer %s was mounted %d times, want 2; requests:\n%s", h, n, log)
		}
	}
}
