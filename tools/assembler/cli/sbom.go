package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

// sbomArtifact returns the SBOM of the binary, and the same as an artifact
// that refers to img.
func sbomArtifact(f *buildFlags, img v1.Image) (v1.Image, []byte, error) {
	name := filepath.Base(f.describedBinary())
	if len(f.tags) > 0 {
		name = f.tags[0]
	}
	modules, err := sbomModules(f)
	if err != nil {
		return nil, nil, err
	}
	created := epochTime(*f.epoch)
	doc, err := sbom.FromBinary(f.describedBinary(), name, created, modules)
	if err != nil {
		return nil, nil, err
	}
	art, err := image.Artifact(img, types.MediaType(sbom.MediaType), doc, map[string]string{
		"org.opencontainers.image.created": created.Format("2006-01-02T15:04:05Z"),
	})
	return art, doc, err
}

// sbomModules are the modules of --sbom-go-mod and --sbom-packages, or nil
// to take the binary's build info.
func sbomModules(f *buildFlags) (*sbom.Modules, error) {
	if f.sbomGoMod == "" {
		return nil, nil
	}
	data, err := os.ReadFile(f.sbomPackages)
	if err != nil {
		return nil, err
	}
	main, deps, err := sbom.ModulesFromGoMod(f.sbomGoMod, strings.Fields(string(data)))
	if err != nil {
		return nil, fmt.Errorf("--sbom-go-mod: %w", err)
	}
	return &sbom.Modules{Main: main, Deps: deps}, nil
}
