package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/push"
)

var pushUsage = verbUsage{
	name:     "push",
	synopsis: "(--image FILE | --layout DIR) --repository REGISTRY/REPO [--tag TAG]... [flags]",
	description: `Pushes an image or image index to a registry, uploading only the blobs it lacks,
then the artifacts attached to it in the layout (SBOMs), and prints the pushed
reference, registry/repo@sha256:... Credentials come from docker config.json
($DOCKER_CONFIG) and its credential helpers.

With --sign-key or --signer-command it signs the pushed manifests (an index and
each of its images) and attests the in-toto statements and SBOMs attached to
them, storing both where cosign finds them: cosign verify --key cosign.pub and
cosign verify-attestation --type spdxjson --key cosign.pub check them.`,
}

type pushFlags struct {
	input                                imageInput
	repository, repositoryFile, tagsFile string
	mountFrom, digest                    string
	insecure                             bool
	tags                                 stringList
	sign                                 signFlags
}

func runPush(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := &pushFlags{}
	fs := newFlagSet(pushUsage, stderr)
	f.input.register(fs)
	fs.StringVar(&f.repository, "repository", "", "the repository to push to, e.g. registry.example.com/team/app; the last one given wins")
	fs.StringVar(&f.repositoryFile, "repository-file", "", "a file holding the repository on its first line, used when no --repository is given")
	fs.Var(&f.tags, "tag", "a tag to push, e.g. v1.2.3, repeated; given, it replaces the tags of --tags-file")
	fs.StringVar(&f.tagsFile, "tags-file", "", "a file with one tag a line, used when no --tag is given")
	fs.StringVar(&f.mountFrom, "mount-from", "", "a repository of the same registry holding the base image, whose blobs are mounted instead of uploaded")
	fs.StringVar(&f.digest, "digest-file", "", "a file to write the pushed digest to; a relative path is taken from the folder 'bazel run' was called in")
	fs.BoolVar(&f.insecure, "insecure", false, "allow plain HTTP to a registry other than localhost")
	f.sign.register(fs)
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if f.input.layout == "" || fs.NArg() > 0 {
		return usageError(fs, "--image or --layout is required, and there are no positional arguments")
	}
	if msg := f.sign.check(); msg != "" {
		return usageError(fs, msg)
	}
	signer, err := f.sign.signer(stderr)
	if err != nil {
		return err
	}
	repository, err := valueOrFile(f.repository, fromWorkingDir(f.repositoryFile), "--repository-file")
	if err != nil {
		return err
	}
	tags, err := tagsOrFile(f.tags, fromWorkingDir(f.tagsFile))
	if err != nil {
		return err
	}
	s, err := f.input.open()
	if err != nil {
		return err
	}
	defer s.Close()
	ref, err := push.Push(ctx, s, push.Options{
		Repository: repository,
		Tags:       tags,
		MountFrom:  f.mountFrom,
		Insecure:   f.insecure,
		Progress:   stderr,
		Signer:     signer,
	})
	if err != nil {
		return err
	}
	if f.digest != "" {
		if err := atomicfile.WriteBytes(fromWorkingDir(f.digest), []byte(ref.DigestStr()+"\n")); err != nil {
			return fmt.Errorf("writing --digest-file: %w", err)
		}
	}
	fmt.Fprintln(stdout, ref.String())
	return nil
}
