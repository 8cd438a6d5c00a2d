package layer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
)

// Descriptor is the JSON file that `assembler layer` writes next to a layer
// blob, and `assembler build --layer` reads: it carries the digests, so the
// blob is appended as it is, neither recompressed nor hashed twice.
type Descriptor struct {
	MediaType types.MediaType `json:"mediaType"`
	Digest    v1.Hash         `json:"digest"`
	Size      int64           `json:"size"`
	DiffID    v1.Hash         `json:"diffID"`
	// Blob is the path of the blob file, relative to the descriptor's folder.
	Blob string `json:"blob"`
	// CreatedBy is the layer's line in the image history.
	CreatedBy string `json:"createdBy,omitempty"`
}

// WriteDescriptor writes the descriptor of l, whose blob is the file blob,
// to path.
func WriteDescriptor(path string, l v1.Layer, blob, createdBy string) error {
	d := Descriptor{Blob: relativeTo(filepath.Dir(path), blob), CreatedBy: createdBy}
	var err error
	if d.MediaType, err = l.MediaType(); err != nil {
		return err
	}
	if d.Digest, err = l.Digest(); err != nil {
		return err
	}
	if d.DiffID, err = l.DiffID(); err != nil {
		return err
	}
	if d.Size, err = l.Size(); err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, append(b, '\n'))
}

func relativeTo(dir, p string) string {
	absDir, err1 := filepath.Abs(dir)
	absP, err2 := filepath.Abs(p)
	if err1 != nil || err2 != nil {
		return p
	}
	rel, err := filepath.Rel(absDir, absP)
	if err != nil {
		return absP
	}
	return filepath.ToSlash(rel)
}

// ReadDescriptor opens the layer that the descriptor at path describes. The
// blob is verified against the descriptor when it is read.
func ReadDescriptor(path string) (v1.Layer, *Descriptor, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading layer descriptor: %w", err)
	}
	var d Descriptor
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, nil, fmt.Errorf("layer descriptor %s is not valid JSON (%v); write it with `assembler layer --descriptor`", path, err)
	}
	if d.Digest.Hex == "" || d.DiffID.Hex == "" || d.Blob == "" || d.MediaType == "" {
		return nil, nil, fmt.Errorf("layer descriptor %s lacks mediaType, digest, diffID or blob; write it with `assembler layer --descriptor`", path)
	}
	blob := filepath.FromSlash(d.Blob)
	if !filepath.IsAbs(blob) {
		blob = filepath.Join(filepath.Dir(path), blob)
	}
	fi, err := os.Stat(blob)
	if err != nil {
		return nil, nil, fmt.Errorf("layer descriptor %s: its blob: %w", path, err)
	}
	if fi.Size() != d.Size {
		return nil, nil, fmt.Errorf("layer blob %s is %d bytes, but its descriptor %s says %d; build the layer again", blob, fi.Size(), path, d.Size)
	}
	l := &fileLayer{path: blob, digest: d.Digest, diffID: d.DiffID, size: d.Size, mediaType: d.MediaType, verify: true}
	return l, &d, nil
}
