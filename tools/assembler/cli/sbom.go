package cli

import (
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

// sbomArtifact returns the SBOM of the binary, and the same as an artifact
// that refers to img.
func sbomArtifact(f *buildFlags, img v1.Image) (v1.Image, []byte, error) {
	name := filepath.Base(f.binary)
	if len(f.tags) > 0 {
		name = f.tags[0]
	}
	created := epochTime(*f.epoch)
	doc, err := sbom.FromBinary(f.binary, name, created)
	if err != nil {
		return nil, nil, err
	}
	art, err := image.Artifact(img, types.MediaType(sbom.MediaType), doc, map[string]string{
		"org.opencontainers.image.created": created.Format("2006-01-02T15:04:05Z"),
	})
	return art, doc, err
}
