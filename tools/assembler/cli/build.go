package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
)

type buildFlags struct {
	base, binary, binaryPath, platform, output, layoutDir, digestFile string
	quiet                                                             bool
	entrypoint, env, tags                                             stringList
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseBuildFlags(args, stderr)
	if err != nil {
		return err
	}
	digest, err := build(f)
	if err != nil {
		return err
	}
	if f.digestFile != "" {
		if err := os.WriteFile(f.digestFile, []byte(digest.String()+"\n"), 0o644); err != nil {
			return fmt.Errorf("writing --digest-file: %w", err)
		}
	}
	if !f.quiet {
		fmt.Fprintln(stdout, digest)
	}
	return nil
}

func parseBuildFlags(args []string, stderr io.Writer) (*buildFlags, error) {
	f := &buildFlags{}
	fs := flag.NewFlagSet("assembler build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.base, "base", base.Scratch, "base image: \"scratch\" or an OCI layout directory")
	fs.StringVar(&f.binary, "binary", "", "the Go binary to put into the image (required)")
	fs.StringVar(&f.binaryPath, "binary-path", "", "where the binary goes in the image (default /app/<binary name>)")
	fs.StringVar(&f.platform, "platform", "linux/amd64", "the image's platform, os/arch[/variant]")
	fs.StringVar(&f.output, "output", "", "the image tarball to write (OCI layout + Docker manifest.json)")
	fs.StringVar(&f.layoutDir, "layout", "", "an OCI layout directory to write as well")
	fs.StringVar(&f.digestFile, "digest-file", "", "a file to write the image digest to")
	fs.BoolVar(&f.quiet, "quiet", false, "do not print the image digest")
	fs.Var(&f.entrypoint, "entrypoint", "entrypoint argument, repeated for each one (default: the binary)")
	fs.Var(&f.env, "env", "KEY=VALUE environment variable, repeated")
	fs.Var(&f.tags, "tag", "image reference to name the image with, e.g. app:v1, repeated")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return nil, errUsage
		}
		return nil, errUsage
	}
	if f.binary == "" || (f.output == "" && f.layoutDir == "") {
		fmt.Fprintln(stderr, "assembler build: --binary and one of --output or --layout are required")
		fs.Usage()
		return nil, errUsage
	}
	return f, nil
}

func build(f *buildFlags) (v1.Hash, error) {
	platform, err := v1.ParsePlatform(f.platform)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("parsing --platform %q: %w", f.platform, err)
	}
	b, err := base.Open(f.base, *platform)
	if err != nil {
		return v1.Hash{}, err
	}
	inImage := f.binaryPath
	if inImage == "" {
		inImage = path.Join("/app", filepath.Base(f.binary))
	}
	work, err := os.MkdirTemp("", "assembler-")
	if err != nil {
		return v1.Hash{}, err
	}
	defer os.RemoveAll(work)
	binLayer, err := layer.Build([]layer.Entry{{Path: inImage, Kind: layer.File, Source: f.binary, Mode: 0o755}},
		filepath.Join(work, "binary.layer"))
	if err != nil {
		return v1.Hash{}, err
	}
	entrypoint := []string(f.entrypoint)
	if entrypoint == nil {
		entrypoint = []string{inImage}
	}
	img, err := image.Assemble(b.Image, []image.Layer{{Layer: binLayer, CreatedBy: "go binary " + inImage}},
		image.Config{Entrypoint: entrypoint, Env: f.env})
	if err != nil {
		return v1.Hash{}, err
	}
	if f.output != "" {
		if err := output.WriteTarball(f.output, img, f.tags); err != nil {
			return v1.Hash{}, err
		}
	}
	if f.layoutDir != "" {
		if err := output.WriteLayout(f.layoutDir, img, f.tags); err != nil {
			return v1.Hash{}, err
		}
	}
	return img.Digest()
}
