package cli

import (
	"context"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

var layerUsage = verbUsage{
	name:     "layer",
	synopsis: "[--tar FILE] [--binary SRC=DEST --platform OS/ARCH] [--file SRC=DEST[:MODE]] [--dir DEST[:MODE]] [--symlink DEST=TARGET] [--tree SRCDIR=DEST] --output BLOB --descriptor JSON",
	description: `Writes one image layer: a deterministic tar (sorted entries, parent directories
added, fixed mtime, numeric owners, no user or group names), compressed, plus a
JSON descriptor with its media type, digest, size and diff_id. 'assembler build
--layer JSON' appends it to an image as it is. Prints the layer digest.

A --binary is a file with mode 0755 that must be an executable for --platform,
checked as 'assembler build --binary' checks it: a script, or a binary for
another OS or architecture, is refused.

A --tar (plain, gzip or zstd, told by its bytes) puts its entries into the layer
first, with their owners, modes, links and extended attributes. Modification
times later than 2000-01-01 (or --source-date-epoch, when later) are set to it,
unless --keep-tar-mtimes. A single --tar and nothing else, already compressed,
with no time to change (and for gzip, no time in its header), is the layer
byte for byte: not recompressed.`,
}

type layerFlags struct {
	specs                     layerSpecs
	output, descriptor, compr string
	createdBy, platform       string
	binaries, tars            stringList
	capabilities              stringList
	keepTarMTimes             bool
	// dynamic holds the facts of each --binary (what it needs to run, if
	// dynamically linked, and what its Go code reads from the image), by
	// its path in the image, for the checks of the images that take it.
	dynamic map[string]*gobinary.Facts
	level   int
	epoch   *int64
	quiet   bool
}

func runLayer(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := &layerFlags{}
	fs := newFlagSet(layerUsage, stderr)
	fs.Var(&f.tars, "tar", "a tar file (plain, gzip or zstd) whose entries go into the layer, before the others; repeated")
	fs.BoolVar(&f.keepTarMTimes, "keep-tar-mtimes", false, "keep the modification times of --tar entries as they are")
	fs.Var(&f.binaries, "binary", "an executable SRC put at DEST in the image with mode 0755, checked to run on --platform; repeated")
	fs.StringVar(&f.platform, "platform", "", "the platform each --binary must run on, os/arch[/variant]")
	registerCapabilities(fs, &f.capabilities)
	fs.Var(&f.specs.files, "file", "a host file SRC put at DEST in the image, with octal MODE (default 0644); repeated")
	fs.Var(&f.specs.dirs, "dir", "an empty directory DEST, with octal MODE (default 0755); repeated")
	fs.Var(&f.specs.symlinks, "symlink", "a symlink at DEST pointing at TARGET; repeated")
	fs.Var(&f.specs.trees, "tree", "the host directory SRCDIR put at DEST, with its files, directories and symlinks; repeated")
	fs.StringVar(&f.specs.owner, "owner", "0:0", "UID:GID that owns the entries given (parent directories added for them stay 0:0)")
	fs.StringVar(&f.compr, "compression", "gzip", "gzip or zstd")
	fs.IntVar(&f.level, "compression-level", 0, "compression level (default: the compressor's default)")
	fs.StringVar(&f.createdBy, "created-by", "", "the layer's line in the image history (default: the files it holds)")
	fs.StringVar(&f.output, "output", "", "the layer blob to write (required)")
	fs.StringVar(&f.descriptor, "descriptor", "", "the JSON descriptor to write (required)")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the layer digest")
	f.epoch = epochFlag(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	switch {
	case f.output == "" || f.descriptor == "" || fs.NArg() > 0:
		return usageError(fs, "--output and --descriptor are required, and there are no positional arguments")
	case (len(f.binaries) > 0) != (f.platform != ""):
		return usageError(fs, "--binary and --platform go together: a binary is checked against the platform")
	case len(f.capabilities) > 0 && len(f.binaries) == 0:
		return usageError(fs, "--capability gives capabilities to each --binary: give --binary")
	}
	if _, err := capabilityXattrs(f.capabilities); err != nil {
		return usageError(fs, err.Error())
	}
	if err := f.checkBinaries(); err != nil {
		return err
	}
	if err := checkPaths(f.paths()); err != nil {
		return err
	}
	return writeLayer(f, stdout)
}

// checkBinaries refuses a --binary that cannot run on --platform, reads
// the facts of the others for the descriptor, and adds them to the layer's
// files as executables.
func (f *layerFlags) checkBinaries() error {
	if len(f.binaries) == 0 {
		return nil
	}
	p, err := platform.Parse(f.platform)
	if err != nil {
		return fmt.Errorf("--platform: %w", err)
	}
	for _, b := range f.binaries {
		src, dest, ok := strings.Cut(b, "=")
		if !ok || src == "" || dest == "" {
			return fmt.Errorf("--binary %q is not SRC=DEST, e.g. bazel-bin/app/server=/app/server", b)
		}
		if err := gobinary.Check(src, p); err != nil {
			return err
		}
		facts, err := gobinary.ReadFacts(src)
		if err != nil {
			return err
		}
		if f.dynamic == nil {
			f.dynamic = map[string]*gobinary.Facts{}
		}
		f.dynamic[path.Clean("/"+dest)] = facts
		f.specs.files = append(f.specs.files, src+"="+dest+":0755")
	}
	return nil
}

func writeLayer(f *layerFlags, stdout io.Writer) error {
	entries, err := f.specs.entries()
	if err != nil {
		return err
	}
	if len(entries) == 0 && len(f.tars) == 0 {
		return fmt.Errorf("the layer would be empty; give --tar, --file, --dir, --symlink or --tree")
	}
	binaries := map[string]bool{}
	for p := range f.dynamic {
		binaries[p] = true
	}
	if err := setCapabilities(entries, binaries, f.capabilities); err != nil {
		return err
	}
	fs := &fsindex.Layer{}
	opts := []layer.Option{layer.WithCompression(layer.Compression(f.compr)), layer.WithCompressionLevel(f.level),
		layer.WithModTime(epochTime(*f.epoch)), layer.WithTars(f.tars...), layer.WithFSLayer(fs)}
	if f.keepTarMTimes {
		opts = append(opts, layer.WithTarMTimes())
	}
	// The blob without its descriptor is no output: both appear, or none,
	// and earlier ones stay until both are written.
	var out atomicfile.Batch
	defer out.Abort()
	var l v1.Layer
	if err := out.FileAt(f.output, func(tmp string) (err error) {
		l, err = layer.Build(entries, tmp, opts...)
		return err
	}); err != nil {
		return err
	}
	sort.Strings(fs.Adds)
	createdBy := f.createdBy
	if createdBy == "" {
		createdBy = describeLayer(f.tars, entries)
	}
	info := layer.Info{CreatedBy: createdBy, FS: fs, Binaries: f.dynamic}
	d, err := layer.MarshalDescriptor(f.descriptor, l, f.output, info)
	if err != nil {
		return err
	}
	if err := stageBytes(&out, f.descriptor, d); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}
	return printDigest(stdout, f.quiet, l)
}

// paths are the layer's outputs, and the files and folders it reads.
func (f *layerFlags) paths() (outputs, inputs []namedPath) {
	outputs = []namedPath{{"--output", f.output}, {"--descriptor", f.descriptor}}
	for _, list := range []struct {
		flag  string
		specs stringList
	}{{"--file", f.specs.files}, {"--tree", f.specs.trees}, {"--tar", f.tars}} {
		for _, spec := range list.specs {
			src, _, _ := strings.Cut(spec, "=")
			inputs = append(inputs, namedPath{list.flag, src})
		}
	}
	return outputs, inputs
}
