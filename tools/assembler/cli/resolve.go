package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/internal/boundedfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/release"
	"github.com/rules-goimage/rules_goimage/tools/assembler/resolve"
)

var resolveUsage = verbUsage{
	name:     "resolve",
	synopsis: "[--images FILE] [--ref NAME=REFERENCE]... (--input FILE --output FILE)...",
	description: `Rewrites the image references of YAML files into references by digest,
registry/repo@sha256:..., leaving the rest of each file as it was written
(comments, quoting, documents). A reference is a value written as a Bazel label
(//app:image), as ko://import/path, or as a name the images file gives. A label
or ko:// reference to no known image is an error naming the file and line.
goimage_resolve runs it at build time, before anything is pushed.`,
}

type resolveFlags struct {
	images          string
	refs            keyValues
	inputs, outputs stringList
}

func runResolve(_ context.Context, args []string, stdout, stderr io.Writer) error {
	f := &resolveFlags{refs: keyValues{}}
	fs := newFlagSet(resolveUsage, stderr)
	fs.StringVar(&f.images, "images", "", "a release manifest naming the images: label, repository, digest_file and further names")
	fs.Var(f.refs, "ref", "NAME=REFERENCE: replace NAME by REFERENCE, such as //app:image=registry.example.com/app@sha256:...; repeated")
	fs.Var(&f.inputs, "input", "a YAML file to resolve; repeated, each with its --output")
	fs.Var(&f.outputs, "output", "where to write the resolved YAML of the --input in the same position")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if len(f.inputs) == 0 || len(f.inputs) != len(f.outputs) || fs.NArg() > 0 {
		return usageError(fs, "give each --input with its --output, at least one, and no positional arguments")
	}
	refs, err := resolveRefs(f)
	if err != nil {
		return err
	}
	var batch atomicfile.Batch
	for i, in := range f.inputs {
		src, err := readBounded(in, "--input", resolve.MaxBytes, "split it into several files")
		if err != nil {
			batch.Abort()
			return err
		}
		out, err := resolve.YAML(in, src, refs)
		if err == nil {
			err = batch.File(f.outputs[i], func(w io.Writer) error { _, err := w.Write(out); return err })
		}
		if err != nil {
			batch.Abort()
			return err
		}
	}
	return batch.Commit()
}

// resolveRefs gathers the references: each image of --images under its
// label and further names, then --ref.
func resolveRefs(f *resolveFlags) (resolve.Refs, error) {
	refs := resolve.Refs{}
	if f.images != "" {
		// Checked here, since ReadManifest reads whatever it is given.
		if _, err := readBounded(f.images, "--images", maxImagesFileBytes, "give the manifest goimage_resolve writes"); err != nil {
			return nil, err
		}
		m, err := release.ReadManifest(f.images)
		if err != nil {
			return nil, err
		}
		for _, im := range m.Images {
			ref, err := digestReference(im)
			if err != nil {
				return nil, err
			}
			for _, n := range append([]string{im.Label}, im.Names...) {
				refs[resolve.Key(n)] = ref
			}
		}
	}
	for n, ref := range f.refs {
		refs[resolve.Key(n)] = ref
	}
	return refs, nil
}

// digestReference is repository@digest of a manifest image, from the
// digest file its go_image wrote.
func digestReference(im release.ManifestImage) (string, error) {
	repository := im.Repository
	if repository == "" && im.RepositoryFile != "" {
		b, err := readBounded(im.RepositoryFile, "the repository_file of "+im.Label, maxRefFileBytes, "give the file its goimage rule writes")
		if err != nil {
			return "", err
		}
		first, _, _ := strings.Cut(string(b), "\n")
		repository = strings.TrimSpace(first)
	}
	if repository == "" {
		return "", fmt.Errorf("%s has no repository; give it one in images, such as \"registry.example.com/team/app\"", im.Label)
	}
	if im.DigestFile == "" {
		return "", fmt.Errorf("%s has no digest_file; its image must be a go_image, which writes one", im.Label)
	}
	b, err := readBounded(im.DigestFile, "the digest_file of "+im.Label, maxRefFileBytes, "give the digest file its go_image writes")
	if err != nil {
		return "", err
	}
	digest := strings.TrimSpace(string(b))
	if _, err := v1.NewHash(digest); err != nil {
		return "", fmt.Errorf("the digest file of %s holds %q, not a digest sha256:<64 hex digits>: %w", im.Label, digest, err)
	}
	return repository + "@" + digest, nil
}

// Limits on the files resolve reads beside the YAML (resolve.MaxBytes):
// the --images manifest lists a release's images, a digest or repository
// file holds one line.
const (
	maxImagesFileBytes = 16 << 20
	maxRefFileBytes    = 4096
)

// readBounded reads the regular file at path, the input named what, if it
// is at most limit bytes; fix says what to give instead. A FIFO or device
// is refused before it is opened: reading it could block or never end.
func readBounded(path, what string, limit int64, fix string) ([]byte, error) {
	b, err := boundedfile.Read(path, limit)
	var notRegular *boundedfile.NotRegularError
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("%s %s %v; give a file", what, path, notRegular)
	case errors.Is(err, boundedfile.ErrTooLarge):
		return nil, fmt.Errorf("%s %s is larger than %d bytes, the most resolve reads; %s", what, path, limit, fix)
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", what, err)
	}
	return b, nil
}
