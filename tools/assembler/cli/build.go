package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/build"
	"github.com/rules-goimage/rules_goimage/tools/assembler/check"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
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
  FILE.json                        the image.json a Bazel rule wrote for an
                                   image (see --image of 'assembler pack')
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
	configFile                                   string
	cfg                                          image.Config // from configFile and the config flags
	provenance, provenanceLabel                  string
	compr                                        string
	workdir, user, stopSignal, binaryMode        string
	created                                      string
	createdAt                                    time.Time // from created
	sbomBinary, sbomGoMod, sbomPackages          string
	layers, entrypoint, cmd, env, expose, tags   stringList
	volumes, healthCmd, provenanceStatus         stringList
	baseLayerIndexes                             stringList
	capabilities                                 stringList
	labels, annotations                          keyValues
	health                                       image.Healthcheck
	checks                                       check.Levels
	level                                        int
	epoch                                        *int64
	quiet, followSymlinks                        bool
	entrypointSet, cmdSet, healthOptionSet       bool
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBuildFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	if err := checkPaths(f.outputs(), f.inputs()); err != nil {
		return err
	}
	r, err := f.request()
	if err != nil {
		return err
	}
	img, err := build.Image(ctx, r, stderr)
	if err != nil {
		return err
	}
	return printDigest(stdout, f.quiet, img)
}

func (f *buildFlags) outputs() []namedPath {
	return []namedPath{{"--output", f.output}, {"--layout", f.layoutDir}, {"--thin-layout", f.thinLayout},
		{"--digest-file", f.digest}, {"--sbom", f.sbom}, {"--provenance", f.provenance}}
}

func (f *buildFlags) inputs() []namedPath {
	in := []namedPath{{"--binary", f.binary}, {"--config", f.configFile}, {"--sbom-binary", f.sbomBinary}, {"--sbom-go-mod", f.sbomGoMod}, {"--sbom-packages", f.sbomPackages}}
	if f.base != base.Scratch {
		in = append(in, namedPath{"--base", f.base})
	}
	for _, l := range f.layers {
		in = append(in, namedPath{"--layer", l})
	}
	for _, s := range f.provenanceStatus {
		in = append(in, namedPath{"--provenance-status", s})
	}
	return in
}

func parseBuildFlags(args []string, stdout, stderr io.Writer) (*buildFlags, error) {
	f := &buildFlags{labels: keyValues{}, annotations: keyValues{}, checks: check.Levels{}}
	fs := newFlagSet(buildUsage, stderr)
	registerBuildFlags(fs, f)
	if err := parseFlags(fs, args, stdout); err != nil {
		return nil, err
	}
	fs.Visit(func(fl *flag.Flag) {
		f.entrypointSet = f.entrypointSet || fl.Name == "entrypoint"
		f.cmdSet = f.cmdSet || fl.Name == "cmd"
		f.healthOptionSet = f.healthOptionSet || (strings.HasPrefix(fl.Name, "healthcheck-") && fl.Name != "healthcheck-cmd")
	})
	switch {
	case fs.NArg() > 0:
		return nil, usageError(fs, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case f.binary == "" && len(f.layers) == 0:
		return nil, usageError(fs, "give --binary or at least one --layer")
	case f.output == "" && f.layoutDir == "" && f.thinLayout == "":
		return nil, usageError(fs, "give --output, --layout or --thin-layout")
	case f.sbom != "" && f.binary == "" && f.sbomBinary == "":
		return nil, usageError(fs, "--sbom describes a Go binary: give --binary or --sbom-binary")
	case f.provenance != "" && f.binary == "" && f.sbomBinary == "":
		return nil, usageError(fs, "--provenance lists the modules of a Go binary: give --binary or --sbom-binary")
	case f.provenance == "" && (f.provenanceLabel != "" || len(f.provenanceStatus) > 0):
		return nil, usageError(fs, "--provenance-label and --provenance-status describe the --provenance: give --provenance FILE")
	case f.sbomGoMod != "" && f.sbomPackages == "":
		return nil, usageError(fs, "--sbom-go-mod maps the packages of --sbom-packages to modules: give --sbom-packages FILE")
	}
	if err := f.checkConfigFlags(); err != nil {
		return nil, usageError(fs, err.Error())
	}
	return f, nil
}

// checkConfigFlags refuses config values that Docker would refuse when it
// runs the image.
func (f *buildFlags) checkConfigFlags() error {
	if err := f.checkCreatedAndCapabilities(); err != nil {
		return err
	}
	var err error
	f.cfg, err = f.imageConfig()
	return err
}

func registerBuildFlags(fs *flag.FlagSet, f *buildFlags) {
	fs.StringVar(&f.base, "base", base.Scratch, "the base image (see above)")
	fs.Var(&f.baseLayerIndexes, "base-layer-index", "the index of the files of one layer of the base, named <sha256 hex of the layer>.json, as 'assembler index-layer' writes it: for a base imported without its layers, the checks read the base's files from these; repeated")
	fs.StringVar(&f.baseName, "base-name", "", "the base's name for the org.opencontainers.image.base.name annotation (default: the name the base records, or the registry reference)")
	fs.StringVar(&f.platform, "platform", "linux/amd64", "the image's platform, os/arch[/variant]; the binary must be built for it")
	fs.StringVar(&f.binary, "binary", "", "the Go binary to put into the image")
	fs.StringVar(&f.binaryPath, "binary-path", "", "where the binary goes in the image (default /app/<binary name>)")
	fs.StringVar(&f.binaryMode, "binary-mode", "0755", "the binary's file mode in the image, octal")
	fs.Var(&f.layers, "layer", "a layer descriptor written by 'assembler layer', appended before the binary; repeated")
	fs.Var(&f.entrypoint, "entrypoint", "an entrypoint argument, repeated (default: the binary; an empty value clears it)")
	fs.Var(&f.cmd, "cmd", "a cmd argument, repeated (default: the base's, or none when the entrypoint is set)")
	fs.Var(&f.env, "env", "KEY=VALUE set over the base's environment, repeated; $NAME, ${NAME}, ${NAME:-WORD} and ${NAME:+WORD} in VALUE expand to the base's variables, as Docker's ENV does (\\$ is a $)")
	registerConfigFile(fs, &f.configFile)
	fs.StringVar(&f.created, "created", "", createdUsage)
	fs.StringVar(&f.workdir, "workdir", "", "the working directory (default: the base's)")
	fs.StringVar(&f.user, "user", "", "the user, e.g. 65532:65532 or nonroot (default: the base's)")
	fs.Var(f.labels, "label", "KEY=VALUE config label, repeated")
	fs.Var(f.annotations, "annotation", "KEY=VALUE manifest annotation, repeated (org.opencontainers.image.base.name and .base.digest are set from the base)")
	registerCapabilities(fs, &f.capabilities)
	fs.Var(&f.expose, "expose", "a port to expose, PORT[/tcp|/udp|/sctp] (tcp when none is named), repeated")
	fs.StringVar(&f.stopSignal, "stop-signal", "", "the signal that stops the container: a name such as SIGTERM or TERM, or a number from 1 to 64")
	fs.Var(&f.volumes, "volume", "an absolute path the runtime mounts a volume at, added to the base's volumes; repeated")
	registerHealthcheckFlags(fs, f)
	fs.Var(f.checks, "check", "NAME=LEVEL: run the image check NAME at LEVEL off, warn or error; repeated (the checks and their defaults: "+check.Levels{}.String()+")")
	fs.Var(&f.tags, "tag", "a name for the image, e.g. example.com/app:v1 (docker load applies it), repeated")
	fs.StringVar(&f.output, "output", "", "the image tarball to write: an OCI layout plus Docker manifest.json")
	fs.StringVar(&f.layoutDir, "layout", "", "an OCI image layout directory to write (a layout there is replaced; any other folder is refused)")
	fs.StringVar(&f.thinLayout, "thin-layout", "", "an OCI image layout directory to write without the layer blobs, which stay where they are (for 'pack', 'push' and 'load' with --blob and --layer)")
	fs.StringVar(&f.digest, "digest-file", "", "a file to write the image digest to")
	fs.StringVar(&f.sbom, "sbom", "", "write an SPDX 2.3 JSON SBOM of the binary's Go modules to this file, and attach it to the image in the outputs")
	fs.StringVar(&f.sbomBinary, "sbom-binary", "", "the Go binary the --sbom and the --provenance describe, when it comes in a prebuilt --layer (default: --binary)")
	fs.StringVar(&f.sbomPackages, "sbom-packages", "", "for a binary whose build info lists no modules (rules_go's before v0.63.0), for the --sbom and the --provenance: a file with the import paths of the packages linked into the binary, one a line, each followed, where its repository has package metadata, by a tab and its package URL (pkg:golang/MODULE@VERSION, the module and version that was fetched)")
	fs.StringVar(&f.sbomGoMod, "sbom-go-mod", "", "with --sbom-packages: the main module's go.mod, which names the main module, adds its replacements, and gives the versions of modules whose packages have no package metadata")
	fs.StringVar(&f.provenance, "provenance", "", "write an in-toto statement with an SLSA Provenance v1 predicate, whose subject is the image manifest, to this file, and attach it to the image in the outputs")
	fs.StringVar(&f.provenanceLabel, "provenance-label", "", "the Bazel label of the image target: the --provenance names the image and its external parameters by it")
	fs.Var(&f.provenanceStatus, "provenance-status", "a workspace status file of a stamped build (stable-status.txt, volatile-status.txt), repeated: the --provenance records the source revision (STABLE_GIT_COMMIT or BUILD_SCM_REVISION) and BUILD_TIMESTAMP")
	fs.StringVar(&f.compr, "compression", "gzip", "compression of the binary's layer: gzip or zstd")
	fs.IntVar(&f.level, "compression-level", 0, "compression level (default: the compressor's default)")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the image digest")
	registerFollowSymlinks(fs, &f.followSymlinks)
	f.epoch = epochFlag(fs)
}

func registerHealthcheckFlags(fs *flag.FlagSet, f *buildFlags) {
	fs.Var(&f.healthCmd, "healthcheck-cmd", "an argument of the healthcheck command, repeated: the command runs as it is (Docker's [\"CMD\", ...]); a first argument CMD-SHELL takes one shell command, NONE turns the base's healthcheck off")
	fs.DurationVar(&f.health.Interval, "healthcheck-interval", 0, "the time between healthchecks, such as 30s (default: the runtime's, 30s)")
	fs.DurationVar(&f.health.Timeout, "healthcheck-timeout", 0, "how long a healthcheck may run (default: the runtime's, 30s)")
	fs.DurationVar(&f.health.StartPeriod, "healthcheck-start-period", 0, "how long the container may take to start, while failed healthchecks do not count (default: 0)")
	fs.DurationVar(&f.health.StartInterval, "healthcheck-start-interval", 0, "the time between healthchecks in the start period (default: the runtime's, 5s; Docker 25+)")
	fs.IntVar(&f.health.Retries, "healthcheck-retries", 0, "how many failed healthchecks in a row make the container unhealthy (default: the runtime's, 3)")
}

// request is the build the flags ask for.
func (f *buildFlags) request() (*build.Request, error) {
	p, err := platform.Parse(f.platform)
	if err != nil {
		return nil, fmt.Errorf("--platform: %w", err)
	}
	ref, baseLabel, baseOptions, err := baseImagePath(f.base, f.output != "" || f.layoutDir != "")
	if err != nil {
		return nil, err
	}
	if len(f.baseLayerIndexes) > 0 {
		indexes, err := layerIndexFiles(f.baseLayerIndexes)
		if err != nil {
			return nil, err
		}
		baseOptions = append(baseOptions, store.WithLayerIndexes(indexes))
	}
	cfg := f.cfg
	cfg.BaseName = f.baseName
	r := &build.Request{
		Base: ref, BaseLabel: baseLabel, BaseOptions: baseOptions, Platform: p, Layers: f.layers, Config: cfg, Checks: f.checks,
		Compression: layer.Compression(f.compr), CompressionLevel: f.level, Epoch: epochTime(*f.epoch),
		FollowSymlinks: f.followSymlinks, Tags: f.tags,
		Documents: build.Documents{SBOM: f.sbom, Provenance: f.provenance, Binary: f.sbomBinary,
			Packages: f.sbomPackages, GoMod: f.sbomGoMod, Label: f.provenanceLabel, Status: f.provenanceStatus},
		Outputs: build.Outputs{Tarball: f.output, Layout: f.layoutDir, ThinLayout: f.thinLayout, DigestFile: f.digest},
	}
	if f.binary != "" {
		mode, err := strconv.ParseInt(f.binaryMode, 8, 64)
		if err != nil || mode <= 0 || mode > 0o7777 {
			return nil, fmt.Errorf("--binary-mode %q is not an octal file mode such as 0755", f.binaryMode)
		}
		r.Binary = &build.Binary{File: f.binary, Path: f.binaryPath, Mode: mode, Capabilities: f.capabilities}
	}
	return r, nil
}

// nonEmpty turns the single empty value of "--entrypoint=" into an empty
// list, which clears the base's value.
func nonEmpty(args []string) []string {
	if len(args) == 1 && args[0] == "" {
		return []string{}
	}
	return args
}
