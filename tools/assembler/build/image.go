package build

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Image builds the image r asks for and writes its outputs, all of them or
// none; it returns the image. The base's notes and the checks' warnings go
// to warnings, a line each.
func Image(ctx context.Context, r *Request, warnings io.Writer) (v1.Image, error) {
	if r.Binary != nil {
		if err := gobinary.Check(r.Binary.File, r.Platform); err != nil {
			return nil, err
		}
	}
	atomicfile.CleanStaleWorkDirs(os.TempDir(), "assembler-")
	work, err := os.MkdirTemp("", atomicfile.WorkDirPrefix("assembler-"))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	b, err := base.Open(ctx, r.Base, r.Platform, base.WithWorkDir(work), base.WithLabel(r.BaseLabel),
		base.WithStoreOptions(append(r.storeOptions(), r.BaseOptions...)...))
	if err != nil {
		return nil, err
	}
	defer b.Close()
	for _, n := range b.Notes {
		fmt.Fprintf(warnings, "warning: base %s: %s\n", cmp.Or(r.BaseLabel, r.Base), n)
	}
	a, err := assemble(r, b, work, warnings)
	if err != nil {
		return nil, err
	}
	return a.image, writeImage(ctx, r, a)
}

func (r *Request) storeOptions() []store.Option {
	var opts []store.Option
	if r.FollowSymlinks {
		opts = append(opts, store.WithFollowSymlinks())
	}
	// A thin layout is all that is written: the base's layers are never
	// read, so the base may be a thin layout itself (another image's).
	// Otherwise its layers enter the image here, and are checked.
	if r.Outputs.Tarball == "" && r.Outputs.Layout == "" {
		opts = append(opts, store.WithLayersElsewhere())
	} else {
		opts = append(opts, store.WithLayerChecks())
	}
	return opts
}

// assembled is the image a build makes, with the index of its file system
// when the checks could make one.
type assembled struct {
	image      v1.Image
	fsIndex    *fsindex.Index
	baseName   string
	baseDigest v1.Hash
}

func assemble(r *Request, b *base.Base, work string, warnings io.Writer) (*assembled, error) {
	layers, infos, err := prebuiltLayers(r.Layers)
	if err != nil {
		return nil, err
	}
	cfg := r.config(b)
	if r.Binary != nil {
		bin, info, err := binaryLayer(r, work)
		if err != nil {
			return nil, err
		}
		layers, infos = append(layers, *bin), append(infos, *info)
		if cfg.Entrypoint == nil {
			cfg.Entrypoint = []string{r.Binary.inImage()}
		}
	}
	img, err := image.Assemble(b.Image, layers, cfg)
	if err != nil {
		return nil, err
	}
	idx, err := checkImage(r, b, img, infos, warnings)
	if err != nil {
		return nil, err
	}
	return &assembled{image: img, fsIndex: idx, baseName: cfg.BaseName, baseDigest: cfg.BaseDigest}, nil
}

// config is the request's config completed from the base.
func (r *Request) config(b *base.Base) image.Config {
	cfg := r.Config
	cfg.Platform, cfg.BaseDigest = r.Platform, b.Digest
	if cfg.BaseName == "" {
		cfg.BaseName = b.Name
	}
	if cfg.Created.IsZero() {
		cfg.Created = r.epoch()
	}
	return cfg
}
