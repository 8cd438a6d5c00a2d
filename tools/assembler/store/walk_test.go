package store

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// writeBlob stores b in the layout at dir and describes it.
func writeBlob(t *testing.T, dir string, mt types.MediaType, b []byte) v1.Descriptor {
	t.Helper()
	h, n, err := v1.SHA256(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "blobs", "sha256", h.Hex), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return v1.Descriptor{MediaType: mt, Digest: h, Size: n}
}

// fanOutLayout is a layout of depth nested indexes, each listing the next
// twice: 2^depth paths lead to the innermost one.
func fanOutLayout(t *testing.T, depth int) string {
	t.Helper()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755)
	os.WriteFile(filepath.Join(dir, OCILayoutFile), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
	inner := writeBlob(t, dir, types.OCIImageIndex, []byte(`{"schemaVersion":2,"manifests":[]}`))
	for i := 0; i < depth; i++ {
		b, _ := json.Marshal(v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{inner, inner}})
		inner = writeBlob(t, dir, types.OCIImageIndex, b)
	}
	b, _ := json.Marshal(v1.IndexManifest{SchemaVersion: 2, Manifests: []v1.Descriptor{inner, inner}})
	os.WriteFile(filepath.Join(dir, IndexFile), b, 0o644)
	return dir
}

func TestWalkVisitsEachManifestOnce(t *testing.T) {
	const depth = 40
	s, err := Open(fanOutLayout(t, depth))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	idx, err := s.Index()
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan []Node, 1)
	go func() {
		nodes, err := Walk(idx)
		if err != nil {
			t.Error(err)
		}
		done <- nodes
	}()
	select {
	case nodes := <-done:
		if len(nodes) != depth+1 {
			t.Errorf("Walk listed %d manifests, want the %d distinct ones", len(nodes), depth+1)
		}
	case <-time.After(time.Minute):
		t.Fatal("Walk of 40 nested indexes that fan out did not finish in a minute; it must visit each digest once")
	}
}
