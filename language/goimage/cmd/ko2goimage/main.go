// Command ko2goimage moves a repository from ko to rules_goimage: it turns
// the base image settings of a .ko.yaml (defaultBaseImage,
// baseImageOverrides, defaultPlatforms) into goimage Gazelle directives in
// the BUILD files, the builds' ldflags, flags and env into attributes of
// their go_binary rules where rules_go has an equivalent, and prints what
// MODULE.bazel needs for the bases and what could not be carried, with why:
//
//	bazel run @rules_goimage//language/goimage/cmd/ko2goimage -- [-ko_config .ko.yaml] [-mode fix|print] [-pin] [-ko_paths]
//	bazel run //:gazelle
//	bazel run @rules_goimage//language/goimage/cmd/ko2goimage -- -digest IMAGE:TAG
//
// As ko does, it reads KO_DEFAULTBASEIMAGE, KO_DEFAULTPLATFORMS and the
// other KO_ variables of the configuration's keys over the file, and
// builds on ko's default base when neither names one.
//
// The Go module is the one whose go.mod is in the folder of the .ko.yaml or
// above it; the repository root is the workspace bazel runs in, or else
// the nearest folder above the go.mod with a MODULE.bazel or WORKSPACE file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/rules-goimage/rules_goimage/language/goimage/komigrate"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "ko2goimage: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("ko2goimage", flag.ContinueOnError)
	koConfig := fs.String("ko_config", ".ko.yaml", "the ko configuration, relative to the folder ko2goimage runs in")
	repoRoot := fs.String("repo_root", "", "the repository root (default: the Bazel workspace, or found from the go.mod)")
	mode := fs.String("mode", "fix", "fix: rewrite the BUILD files and MODULE.bazel; print: print the changes, make none")
	pin := fs.Bool("pin", false, "ask the registries for the digests of the tags ko used, to pin them in MODULE.bazel")
	koPaths := fs.Bool("ko_paths", false, "keep ko's paths in the images: the binary at /ko-app/<name>, the data at /var/run/ko (binary_path, data_path)")
	digest := fs.String("digest", "", "print the digest an image tag points to now, and do nothing else")
	fs.SetOutput(out)
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil // the usage is printed
	} else if err != nil {
		return err
	}
	if *digest != "" {
		d, err := komigrate.TagDigest(context.Background(), *digest)
		if err != nil {
			return fmt.Errorf("asking the registry for the digest of %w", err)
		}
		fmt.Fprintln(out, d)
		return nil
	}
	if *mode != "fix" && *mode != "print" {
		return fmt.Errorf("-mode %q: use fix or print", *mode)
	}
	m, err := locate(*koConfig, *repoRoot)
	if err != nil {
		return err
	}
	c, err := komigrate.ReadKoConfig(m.koConfig)
	if err != nil {
		return err
	}
	if err := c.ApplyEnv(os.LookupEnv); err != nil {
		return fmt.Errorf("reading ko's variables: %w", err)
	}
	plan, err := komigrate.NewPlan(c, m.layout())
	if err != nil {
		return fmt.Errorf("%s: %w", m.koConfig, err)
	}
	plan.KoPaths = *koPaths
	if *pin {
		if err := plan.PinDigests(context.Background()); err != nil {
			return err
		}
	}
	changes, err := komigrate.Edits(m.repoRoot, plan)
	if err != nil {
		return err
	}
	if *mode == "fix" {
		files := changes.Files
		if changes.Module != nil {
			files = append(files, changes.Module.Edit)
		}
		if err := komigrate.Write(files); err != nil {
			return err
		}
	}
	report(out, plan, changes, *mode == "fix")
	return nil
}
