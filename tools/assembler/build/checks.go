package build

import (
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/check"
	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// checkImage runs the checks (package check) on the image, printing their
// warnings, and returns the index of its file system: the base's, with
// each layer's entries on top.
func checkImage(r *Request, b *base.Base, img v1.Image, infos []layer.Info, warnings io.Writer) (*fsindex.Index, error) {
	binaries := map[string]*gobinary.Facts{}
	for _, info := range infos {
		for p, facts := range info.Binaries {
			binaries[p] = facts
		}
	}
	idx, err := baseIndex(r, b, binaries)
	if err != nil {
		return nil, err
	}
	for _, info := range infos {
		if idx == nil {
			break // the checks of the image's own layers run all the same
		}
		idx.Apply(info.FS)
		idx.Apply(binariesFS(info))
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	found, err := check.Run(&check.Image{FS: idx, Config: cf.Config, Binaries: binaries, Platform: r.Platform, Layers: r.checkLayers(infos)}, r.Checks)
	for _, w := range found {
		fmt.Fprintf(warnings, "warning: %s\n", w)
	}
	return idx, err
}

// checkLayers names the image's own layers for the checks: each prebuilt
// layer by its descriptor, then the binary's, with their history lines.
func (r *Request) checkLayers(infos []layer.Info) []check.Layer {
	out := make([]check.Layer, len(infos))
	for i, info := range infos {
		var name string
		if i < len(r.Layers) {
			name = r.Layers[i]
		} else {
			name = "of --binary " + r.Binary.File
		}
		out[i] = check.Layer{Name: fmt.Sprintf("%s (%q)", name, info.CreatedBy), FS: info.FS}
	}
	return out
}

// baseIndex is the index of the base's files: the one its import wrote, or
// else one read from the base's layers, when the build reads them anyway
// (it writes them out of a base on this machine) or a dynamically linked
// binary must be checked. Otherwise it is nil, and the checks that look at
// files pass: reading a registry base's layers twice costs more than they
// save (import the base to check images built on it).
func baseIndex(r *Request, b *base.Base, binaries map[string]*gobinary.Facts) (*fsindex.Index, error) {
	if b.FSIndex != nil {
		return b.FSIndex, nil
	}
	if !r.writesLocalBase() && !(hasDynamic(binaries) && r.Checks.On("dynamic")) {
		return nil, nil
	}
	idx, err := fsindex.FromImage(b.Image)
	if err != nil {
		return nil, fmt.Errorf("indexing the base's files to check %s: %w", r.Base, err)
	}
	return idx, nil
}

// writesLocalBase reports whether the build copies the layers of a base
// read from this machine's files into its outputs.
func (r *Request) writesLocalBase() bool {
	if r.Outputs.Tarball == "" && r.Outputs.Layout == "" {
		return false
	}
	_, err := os.Stat(r.Base)
	return err == nil
}

func hasDynamic(binaries map[string]*gobinary.Facts) bool {
	for _, facts := range binaries {
		if facts.Dynamic != nil {
			return true
		}
	}
	return false
}

// binariesFS records the binaries of a layer whose kind its entries do not
// say as executables: `assembler layer --binary` writes them with mode
// 0755, and its descriptors may list them by path alone.
func binariesFS(info layer.Info) *fsindex.Layer {
	said := map[string]bool{}
	if info.FS != nil {
		for _, list := range [][]string{info.FS.Execs, info.FS.Files} {
			for _, p := range list {
				said[p] = true
			}
		}
	}
	fs := &fsindex.Layer{}
	for p := range info.Binaries {
		if !said[p] {
			fs.Adds = append(fs.Adds, p)
			fs.Execs = append(fs.Execs, p)
		}
	}
	return fs
}
