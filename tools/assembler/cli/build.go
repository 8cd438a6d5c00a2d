package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

var buildUsage = verbUsage{
	name:     "build",
	synopsis: "--base BASE [--binary FILE] [--layer JSON]... --platform OS/ARCH --output TAR [flags]",
	description: `Builds an image: the base's layers, then each --layer (as built by 'assembler
layer'), then the binary's layer, with the base's config updated by the flags.
Writes an OCI image layout and a Docker manifest.json in one tarball (--output)
and/or an OCI layout directory (--layout), byte for byte reproducible, and
prints the image manifest digest as the last line.

BASE is one of:
  scratch                          an empty image
  DIR                              an OCI image layout directory
  FILE.tar                         an OCI archive, or a docker save tarball
                                   (classic or Docker 25+)
  REGISTRY/REPO[:TAG]@sha256:...   a registry image, pinned by digest; the
                                   credentials of ~/.docker/config.json and its
                                   credential helpers are used
A multi-platform base gives its --platform image.`,
}

type buildFlags struct {
	base, baseName, platform, binary, binaryPath string
	output, layoutDir, thinLayout, digest, sbom  string
	compr                                        string
	workdir, user, stopSignal, binaryMode        string
	sbomBinary, sbomGoMod, sbomPackages          string
	layers, entrypoint, cmd, env, expose, tags   stringList
	labels, annotations                          keyValues
	level                                        int
	epoch                                        *int64
	quiet, followSymlinks                        bool
	entrypointSet, cmdSet                        bool
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBuildFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	if err := checkPaths(f.outputs(), f.inputs()); err != nil {
		return err
	}
	img, err := build(ctx, f)
	if err != nil {
		return err
	}
	return printDigest(stdout, f.quiet, img)
}

func (f *buildFlags) outputs() []namedPath {
	return []namedPath{{"--output", f.output}, {"--layout", f.layoutDir}, {"--thin-layout", f.thinLayout},
		{"--digest-file", f.digest}, {"--sbom", f.sbom}}
}

func (f *buildFlags) inputs() []namedPath {
	in := []namedPath{{"--binary", f.binary}, {"--sbom-binary", f.sbomBinary}, {"--sbom-go-mod", f.sbomGoMod}, {"--sbom-packages", f.sbomPackages}}
	if f.base != base.Scratch {
		in = append(in, namedPath{"--base", f.base})
	}
	for _, l := range f.layers {
		in = append(in, namedPath{"--layer", l})
	}
	return in
}

func parseBuildFlags(args []string, stdout, stderr io.Writer) (*buildFlags, error) {
	f := &buildFlags{labels: keyValues{}, annotations: keyValues{}}
	fs := newFlagSet(buildUsage, stderr)
	registerBuildFlags(fs, f)
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, err
	}
	fs.Visit(func(fl *flag.Flag) {
		f.entrypointSet = f.entrypointSet || fl.Name == "entrypoint"
		f.cmdSet = f.cmdSet || fl.Name == "cmd"
	})
	switch {
	case fs.NArg() > 0:
		return nil, usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case f.binary == "" && len(f.layers) == 0:
		return nil, usageError(fs, "give --binary or at least one --layer")
	case f.output == "" && f.layoutDir == "" && f.thinLayout == "":
		return nil, usageError(fs, "give --output, --layout or --thin-layout")
	case f.sbom != "" && f.describedBinary() == "":
		return nil, usageError(fs, "--sbom describes a Go binary: give --binary or --sbom-binary")
	case (f.sbomGoMod == "") != (f.sbomPackages == ""):
		return nil, usageError(fs, "--sbom-go-mod and --sbom-packages go together")
	}
	return f, nil
}

func registerBuildFlags(fs *flag.FlagSet, f *buildFlags) {
	fs.StringVar(&f.base, "base", base.Scratch, "the base image (see above)")
	fs.StringVar(&f.baseName, "base-name", "", "the base's name for the org.opencontainers.image.base.name annotation (default: the name the base records, or the registry reference)")
	fs.StringVar(&f.platform, "platform", "linux/amd64", "the image's platform, os/arch[/variant]; the binary must be built for it")
	fs.StringVar(&f.binary, "binary", "", "the Go binary to put into the image")
	fs.StringVar(&f.binaryPath, "binary-path", "", "where the binary goes in the image (default /app/<binary name>)")
	fs.StringVar(&f.binaryMode, "binary-mode", "0755", "the binary's file mode in the image, octal")
	fs.Var(&f.layers, "layer", "a layer descriptor written by 'assembler layer', appended before the binary; repeated")
	fs.Var(&f.entrypoint, "entrypoint", "an entrypoint argument, repeated (default: the binary; an empty value clears it)")
	fs.Var(&f.cmd, "cmd", "a cmd argument, repeated (default: the base's, or none when the entrypoint is set)")
	fs.Var(&f.env, "env", "KEY=VALUE set over the base's environment, repeated")
	fs.StringVar(&f.workdir, "workdir", "", "the working directory (default: the base's)")
	fs.StringVar(&f.user, "user", "", "the user, e.g. 65532:65532 or nonroot (default: the base's)")
	fs.Var(f.labels, "label", "KEY=VALUE config label, repeated")
	fs.Var(f.annotations, "annotation", "KEY=VALUE manifest annotation, repeated (org.opencontainers.image.base.name and .base.digest are set from the base)")
	fs.Var(&f.expose, "expose", "a port to expose, PORT[/tcp|/udp], repeated")
	fs.StringVar(&f.stopSignal, "stop-signal", "", "the signal that stops the container, e.g. SIGTERM")
	fs.Var(&f.tags, "tag", "a name for the image, e.g. example.com/app:v1 (docker load applies it), repeated")
	fs.StringVar(&f.output, "output", "", "the image tarball to write: an OCI layout plus Docker manifest.json")
	fs.StringVar(&f.layoutDir, "layout", "", "an OCI image layout directory to write (a layout there is replaced; any other folder is refused)")
	fs.StringVar(&f.thinLayout, "thin-layout", "", "an OCI image layout directory to write without the layer blobs, which stay where they are (for 'pack', 'push' and 'load' with --blob and --layer)")
	fs.StringVar(&f.digest, "digest-file", "", "a file to write the image digest to")
	fs.StringVar(&f.sbom, "sbom", "", "write an SPDX 2.3 JSON SBOM of the binary's Go modules to this file, and attach it to the image in the outputs")
	fs.StringVar(&f.sbomBinary, "sbom-binary", "", "the Go binary the --sbom describes, when it comes in a prebuilt --layer (default: --binary)")
	fs.StringVar(&f.sbomGoMod, "sbom-go-mod", "", "for a binary whose build info lists no modules (rules_go's): the go.mod that maps --sbom-packages to modules and versions")
	fs.StringVar(&f.sbomPackages, "sbom-packages", "", "a file with the import paths of the packages linked into the binary, one a line (with --sbom-go-mod)")
	fs.StringVar(&f.compr, "compression", "gzip", "compression of the binary's layer: gzip or zstd")
	fs.IntVar(&f.level, "compression-level", 0, "compression level (default: the compressor's default)")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the image digest")
	registerFollowSymlinks(fs, &f.followSymlinks)
	f.epoch = epochFlag(fs)
}

// describedBinary is the binary an SBOM describes.
func (f *buildFlags) describedBinary() string {
	if f.sbomBinary != "" {
		return f.sbomBinary
	}
	return f.binary
}

// build assembles the image and writes the outputs; it returns the image.
func build(ctx context.Context, f *buildFlags) (v1.Image, error) {
	platform, err := platform.Parse(f.platform)
	if err != nil {
		return nil, fmt.Errorf("--platform: %w", err)
	}
	if f.binary != "" {
		if err := gobinary.Check(f.binary, platform); err != nil {
			return nil, err
		}
	}
	atomicfile.CleanStaleWorkDirs(os.TempDir(), "assembler-")
	work, err := os.MkdirTemp("", atomicfile.WorkDirPrefix("assembler-"))
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	b, err := base.Open(ctx, f.base, platform, base.WithWorkDir(work), base.WithStoreOptions(f.storeOptions()...))
	if err != nil {
		return nil, err
	}
	defer b.Close()
	img, err := assemble(f, b, work)
	if err != nil {
		return nil, err
	}
	return img, writeOutputs(ctx, f, img)
}

func (f *buildFlags) storeOptions() []store.Option {
	var opts []store.Option
	if f.followSymlinks {
		opts = append(opts, store.WithFollowSymlinks())
	}
	// A thin layout is all that is written: the base's layers are never
	// read, so the base may be a thin layout itself (another image's).
	// Otherwise its layers enter the image here, and are checked.
	if f.output == "" && f.layoutDir == "" {
		opts = append(opts, store.WithLayersElsewhere())
	} else {
		opts = append(opts, store.WithLayerChecks())
	}
	return opts
}

func assemble(f *buildFlags, b *base.Base, work string) (v1.Image, error) {
	layers, err := prebuiltLayers(f.layers)
	if err != nil {
		return nil, err
	}
	cfg := f.config(b)
	if f.binary != "" {
		bin, err := binaryLayer(f, work)
		if err != nil {
			return nil, err
		}
		layers = append(layers, *bin)
		if !f.entrypointSet {
			cfg.Entrypoint = []string{f.inImagePath()}
		}
	}
	return image.Assemble(b.Image, layers, cfg)
}

func prebuiltLayers(paths []string) ([]image.Layer, error) {
	out := make([]image.Layer, 0, len(paths)+1)
	for _, p := range paths {
		l, d, err := layer.ReadDescriptor(p)
		if err != nil {
			return nil, err
		}
		out = append(out, image.Layer{Layer: l, CreatedBy: d.CreatedBy})
	}
	return out, nil
}

func binaryLayer(f *buildFlags, work string) (*image.Layer, error) {
	inImage := f.inImagePath()
	mode, err := strconv.ParseInt(f.binaryMode, 8, 64)
	if err != nil || mode <= 0 || mode > 0o7777 {
		return nil, fmt.Errorf("--binary-mode %q is not an octal file mode such as 0755", f.binaryMode)
	}
	l, err := layer.Build([]layer.Entry{{Path: inImage, Kind: layer.File, Source: f.binary, Mode: mode}},
		filepath.Join(work, "binary.layer"), layer.WithCompression(layer.Compression(f.compr)),
		layer.WithCompressionLevel(f.level), layer.WithModTime(epochTime(*f.epoch)))
	if err != nil {
		return nil, err
	}
	return &image.Layer{Layer: l, CreatedBy: "go binary " + inImage}, nil
}

func (f *buildFlags) inImagePath() string {
	if f.binaryPath != "" {
		return f.binaryPath
	}
	return path.Join("/app", filepath.Base(f.binary))
}

func (f *buildFlags) config(b *base.Base) image.Config {
	cfg := image.Config{
		Env: f.env, WorkingDir: f.workdir, User: f.user, Labels: f.labels,
		ExposedPorts: f.expose, StopSignal: f.stopSignal, Created: epochTime(*f.epoch),
		Annotations: f.annotations, BaseName: b.Name, BaseDigest: b.Digest,
	}
	if f.baseName != "" {
		cfg.BaseName = f.baseName
	}
	if f.entrypointSet {
		cfg.Entrypoint = nonEmpty(f.entrypoint)
	}
	if f.cmdSet {
		cfg.Cmd = nonEmpty(f.cmd)
	}
	return cfg
}

// nonEmpty turns the single empty value of "--entrypoint=" into an empty
// list, which clears the base's value.
func nonEmpty(args []string) []string {
	if len(args) == 1 && args[0] == "" {
		return []string{}
	}
	return args
}

// writeOutputs writes every output of the run, or none.
func writeOutputs(ctx context.Context, f *buildFlags, img v1.Image) error {
	c := output.Content{Image: img, Tags: f.tags}
	var out atomicfile.Batch
	defer out.Abort()
	if f.sbom != "" {
		ref, doc, err := sbomArtifact(f, img)
		if err != nil {
			return err
		}
		c.Referrers = append(c.Referrers, ref)
		if err := stageBytes(&out, f.sbom, doc); err != nil {
			return err
		}
	}
	if err := stageContent(ctx, &out, f.output, f.layoutDir, f.thinLayout, c); err != nil {
		return err
	}
	if err := stageDigest(&out, f.digest, img); err != nil {
		return err
	}
	return out.Commit()
}
