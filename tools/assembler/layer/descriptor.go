package layer

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
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
	Info
}

// Info is what a descriptor tells about a layer's content, for the checks of
// the images that take it: no image build reads a layer to check it.
type Info struct {
	// CreatedBy is the layer's line in the image history.
	CreatedBy string `json:"createdBy,omitempty"`
	// FS is what the layer does to the file system.
	FS *fsindex.Layer `json:"fs,omitempty"`
	// Binaries maps each binary of the layer (`assembler layer --binary`),
	// by its path in the image, to what the image's checks need to know of
	// it: what it needs to run, if dynamically linked, and what its Go code
	// reads from the image.
	Binaries map[string]*gobinary.Facts `json:"binaries,omitempty"`
}

// WriteDescriptor writes the descriptor of l, whose blob is the file blob,
// to path.
func WriteDescriptor(path string, l v1.Layer, blob string, info Info) error {
	b, err := MarshalDescriptor(path, l, blob, info)
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(path, b)
}

// MarshalDescriptor is the content of the descriptor file path of l, whose
// blob is the file blob.
func MarshalDescriptor(path string, l v1.Layer, blob string, info Info) ([]byte, error) {
	d := Descriptor{Blob: relativeTo(filepath.Dir(path), blob), Info: info}
	var err error
	if d.MediaType, err = l.MediaType(); err != nil {
		return nil, err
	}
	if d.Digest, err = l.Digest(); err != nil {
		return nil, err
	}
	if d.DiffID, err = l.DiffID(); err != nil {
		return nil, err
	}
	if d.Size, err = l.Size(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
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

// ReadDescriptor opens the layer that the descriptor at path describes. Its
// blob is not touched until it is read, and then it is verified against the
// descriptor: an image action that only writes a manifest never reads it.
// The blob must be a file in the descriptor's folder or below it: a
// descriptor cannot point at files elsewhere.
func ReadDescriptor(path string) (v1.Layer, *Descriptor, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading layer descriptor: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxDescriptorSize+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading layer descriptor %s: %w", path, err)
	}
	d, err := ParseDescriptor(b)
	if err != nil {
		return nil, nil, fmt.Errorf("layer descriptor %s %w; write it with `assembler layer --descriptor`", path, err)
	}
	blob := filepath.Join(filepath.Dir(path), filepath.FromSlash(d.Blob))
	l := &fileLayer{path: blob, digest: d.Digest, diffID: d.DiffID, size: d.Size, mediaType: d.MediaType, verify: true}
	return l, d, nil
}

// maxDescriptorSize bounds a descriptor file: a few hundred bytes, and the
// paths of the layer's files.
const maxDescriptorSize = 64 << 20

// ParseDescriptor reads a descriptor's JSON and checks every field: the
// digests are sha256 digests, the size is not negative, the media type is
// a layer's and the blob is a relative path that stays in its folder.
func ParseDescriptor(b []byte) (*Descriptor, error) {
	if len(b) > maxDescriptorSize {
		return nil, fmt.Errorf("is larger than %d MiB, which no layer descriptor is", maxDescriptorSize>>20)
	}
	var d Descriptor
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("is not valid JSON (%v)", err)
	}
	switch {
	case d.Digest.Algorithm != "sha256" || d.DiffID.Algorithm != "sha256" || d.Blob == "" || d.MediaType == "":
		return nil, fmt.Errorf("lacks mediaType, a sha256 digest, a sha256 diffID or blob")
	case d.Size < 0:
		return nil, fmt.Errorf("has a negative size %d", d.Size)
	case !verify.IsLayerMediaType(d.MediaType):
		return nil, fmt.Errorf("has media type %q, which is not a layer's", d.MediaType)
	case !filepath.IsLocal(filepath.FromSlash(d.Blob)):
		return nil, fmt.Errorf("names its blob %q, which is not a path inside the descriptor's folder", d.Blob)
	}
	return &d, nil
}
