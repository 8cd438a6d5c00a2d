package cli

import (
	"fmt"
	"path/filepath"

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

// sbomModules are the modules of --sbom-packages (and --sbom-go-mod), or
// nil to take the binary's build info alone.
func sbomModules(f *buildFlags) (*sbom.Modules, error) {
	if f.sbomPackages == "" {
		return nil, nil
	}
	modules, err := sbom.ModulesOfPackages(f.sbomPackages, f.sbomGoMod)
	if err != nil {
		return nil, fmt.Errorf("finding the modules of the packages in --sbom-packages %s: %w", f.sbomPackages, err)
	}
	return modules, nil
}
