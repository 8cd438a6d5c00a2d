package build

import (
	"archive/tar"
	"fmt"
	"path"
	"path/filepath"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

func prebuiltLayers(paths []string) ([]image.Layer, []layer.Info, error) {
	out := make([]image.Layer, 0, len(paths)+1)
	infos := make([]layer.Info, 0, len(paths)+1)
	for _, p := range paths {
		l, d, err := layer.ReadDescriptor(p)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, image.Layer{Layer: l, CreatedBy: d.CreatedBy})
		infos = append(infos, d.Info)
	}
	return out, infos, nil
}

// binaryLayer writes the layer of the request's binary into work, and
// returns it with what the checks need to know of it.
func binaryLayer(r *Request, work string) (*image.Layer, *layer.Info, error) {
	bin := r.Binary
	inImage, mode := bin.inImage(), bin.mode()
	if mode <= 0 || mode > 0o7777 {
		return nil, nil, fmt.Errorf("the binary's mode %#o is not a file mode such as 0755", mode)
	}
	xattrs, err := layer.CapabilityXattrs(bin.Capabilities)
	if err != nil {
		return nil, nil, fmt.Errorf("the binary's capabilities: %w", err)
	}
	entries := []layer.Entry{{Path: inImage, Kind: layer.File, Source: bin.File, Mode: mode, Xattrs: xattrs}}
	l, err := layer.Build(entries, filepath.Join(work, "binary.layer"), r.layerOptions()...)
	if err != nil {
		return nil, nil, err
	}
	// The binary's header as the layer has it, so that the index knows
	// whether it is executable.
	fs := &fsindex.Layer{}
	if err := fs.Add(&tar.Header{Name: inImage, Typeflag: tar.TypeReg, Mode: mode}, nil); err != nil {
		return nil, nil, err
	}
	facts, err := gobinary.ReadFacts(bin.File)
	if err != nil {
		return nil, nil, err
	}
	info := &layer.Info{CreatedBy: "go binary " + inImage, FS: fs, Binaries: map[string]*gobinary.Facts{path.Clean("/" + inImage): facts}}
	return &image.Layer{Layer: l, CreatedBy: info.CreatedBy}, info, nil
}

func (r *Request) layerOptions() []layer.Option {
	opts := []layer.Option{layer.WithCompressionLevel(r.CompressionLevel), layer.WithModTime(r.epoch())}
	if r.Compression != "" {
		opts = append(opts, layer.WithCompression(r.Compression))
	}
	return opts
}

func (b *Binary) inImage() string {
	if b.Path != "" {
		return b.Path
	}
	return path.Join("/app", filepath.Base(b.File))
}

func (b *Binary) mode() int64 {
	if b.Mode == 0 {
		return 0o755
	}
	return b.Mode
}
