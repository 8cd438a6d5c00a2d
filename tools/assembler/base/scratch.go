package base

import (
	"encoding/json"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// scratch is an empty image for the platform.
func scratch(platform v1.Platform) (*Base, error) {
	cf := v1.ConfigFile{
		OS:           platform.OS,
		Architecture: platform.Architecture,
		Variant:      platform.Variant,
		RootFS:       v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{}},
	}
	raw, err := json.Marshal(cf)
	if err != nil {
		return nil, err
	}
	img, err := newOCIImage(raw, nil)
	if err != nil {
		return nil, err
	}
	return &Base{Image: img, FSIndex: fsindex.New()}, nil
}
