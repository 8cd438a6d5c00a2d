package image

import (
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// Layer is a layer to append together with the history line describing it.
type Layer struct {
	Layer     v1.Layer
	CreatedBy string
}

// Assemble appends layers to base and applies cfg. Nothing is computed until
// the result is read or written.
func Assemble(base v1.Image, layers []Layer, cfg Config) (v1.Image, error) {
	img, err := appendLayers(base, layers, cfg.created())
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading base config: %w", err)
	}
	cf = cf.DeepCopy()
	cfg.apply(cf)
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("setting config: %w", err)
	}
	annotations := cfg.annotations()
	if len(annotations) == 0 {
		return img, nil
	}
	return mutate.Annotations(img, annotations).(v1.Image), nil
}

func appendLayers(base v1.Image, layers []Layer, created time.Time) (v1.Image, error) {
	adds := make([]mutate.Addendum, 0, len(layers))
	for _, l := range layers {
		adds = append(adds, mutate.Addendum{
			Layer: l.Layer,
			History: v1.History{
				Author:    "rules_goimage",
				CreatedBy: l.CreatedBy,
				Created:   v1.Time{Time: created},
			},
		})
	}
	img, err := mutate.Append(base, adds...)
	if err != nil {
		return nil, fmt.Errorf("appending layers: %w", err)
	}
	return img, nil
}
