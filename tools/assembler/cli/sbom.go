package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/sbom"
)

// sbomArtifact returns the SBOM of the binary, and the same as an artifact
// that refers to the image.
func sbomArtifact(f *buildFlags, a *assembled) (v1.Image, []byte, error) {
	name := filepath.Base(f.describedBinary())
	if len(f.tags) > 0 {
		name = f.tags[0]
	}
	modules, err := sbomModules(f)
	if err != nil {
		return nil, nil, err
	}
	doc, err := sbom.FromBinary(f.describedBinary(), name, epochTime(*f.epoch), modules)
	if err != nil {
		return nil, nil, err
	}
	art, err := attach(f, a.image, sbom.MediaType, doc)
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
