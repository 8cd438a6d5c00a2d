package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// A layout that leaves its layers in another layout's blobs/sha256/ (an
// image's, beside its base) is read whole with WithBlobDirs.
func TestBlobDirs(t *testing.T) {
	img, _ := random.Image(512, 2)
	thin, blobs := t.TempDir(), t.TempDir()
	p, _ := layout.Write(thin, empty.Index)
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(blobs, "blobs", "sha256"), 0o755)
	layers, _ := img.Layers()
	for _, l := range layers {
		h, _ := l.Digest()
		if err := os.Rename(filepath.Join(thin, "blobs", "sha256", h.Hex), filepath.Join(blobs, "blobs", "sha256", h.Hex)); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name string
		opts []Option
		want func(error) bool
	}{
		{"with the folder", []Option{WithBlobDirs([]string{blobs})}, func(err error) bool { return err == nil }},
		{"without it", nil, func(err error) bool { return err != nil && strings.Contains(err.Error(), "lacks blob") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(thin, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			root, err := s.Root()
			if err == nil {
				err = validate.Image(root.Image)
			}
			if !tc.want(err) {
				t.Errorf("reading the image: %v", err)
			}
		})
	}
	if _, err := Open(thin, WithBlobDirs([]string{t.TempDir()})); err == nil || !strings.Contains(err.Error(), "no blobs/sha256/") {
		t.Errorf("Open with a folder that is no layout: %v, want an error saying it has no blobs/sha256/", err)
	}
}
