package build

import (
	"context"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
)

// File is a document written beside the outputs, in the same batch.
type File struct {
	Path    string
	Content []byte
}

// Write writes c to each output o names, the digest of c's root to the
// DigestFile, and files: all of them, or none.
func (o Outputs) Write(ctx context.Context, c output.Content, files ...File) error {
	var out atomicfile.Batch
	defer out.Abort()
	for _, f := range files {
		if err := stageBytes(&out, f.Path, f.Content); err != nil {
			return err
		}
	}
	if err := o.stageContent(ctx, &out, c); err != nil {
		return err
	}
	if err := o.stageDigest(&out, c); err != nil {
		return err
	}
	return out.Commit()
}

// stageContent stages c as the tarball, the layout directory and the thin
// layout directory o names.
func (o Outputs) stageContent(ctx context.Context, b *atomicfile.Batch, c output.Content) error {
	if o.Tarball != "" {
		if err := output.StageTarball(ctx, b, o.Tarball, c); err != nil {
			return err
		}
	}
	if o.Layout != "" {
		if err := output.StageLayout(ctx, b, o.Layout, c); err != nil {
			return err
		}
	}
	if o.ThinLayout != "" {
		c.Thin = true
		return output.StageLayout(ctx, b, o.ThinLayout, c)
	}
	return nil
}

// stageDigest stages the digest file, when one is asked for.
func (o Outputs) stageDigest(b *atomicfile.Batch, c output.Content) error {
	if o.DigestFile == "" {
		return nil
	}
	var root interface{ Digest() (v1.Hash, error) } = c.Image
	if c.Index != nil {
		root = c.Index
	}
	h, err := root.Digest()
	if err != nil {
		return err
	}
	return stageBytes(b, o.DigestFile, []byte(h.String()+"\n"))
}

func stageBytes(b *atomicfile.Batch, path string, content []byte) error {
	return b.File(path, func(w io.Writer) error {
		_, err := w.Write(content)
		return err
	})
}
