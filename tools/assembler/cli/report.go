package cli

import (
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
)

type digester interface{ Digest() (v1.Hash, error) }

// printDigest prints the digest of d as the last line of stdout, unless
// quiet, and writes it to digestFile when one is given.
func printDigest(stdout io.Writer, quiet bool, digestFile string, d digester) error {
	h, err := d.Digest()
	if err != nil {
		return err
	}
	if digestFile != "" {
		if err := output.WriteFile(digestFile, []byte(h.String()+"\n")); err != nil {
			return fmt.Errorf("writing --digest-file: %w", err)
		}
	}
	if !quiet {
		fmt.Fprintln(stdout, h)
	}
	return nil
}

// describeEntries is a history line for a layer: the paths it adds.
func describeEntries(entries []layer.Entry) string {
	paths := make([]string, 0, len(entries))
	for _, e := range entries {
		paths = append(paths, path.Clean("/"+e.Path))
	}
	sort.Strings(paths)
	const shown = 3
	if len(paths) > shown {
		return fmt.Sprintf("files %s and %d more", strings.Join(paths[:shown], ", "), len(paths)-shown)
	}
	return "files " + strings.Join(paths, ", ")
}

// writeContent writes c to the tarball, the layout directory and the thin
// layout directory given (empty ones are skipped).
func writeContent(tarball, layoutDir, thinLayout string, c output.Content) error {
	if tarball != "" {
		if err := output.WriteTarball(tarball, c); err != nil {
			return err
		}
	}
	if layoutDir != "" {
		if err := output.WriteLayout(layoutDir, c); err != nil {
			return err
		}
	}
	if thinLayout != "" {
		c.Thin = true
		return output.WriteLayout(thinLayout, c)
	}
	return nil
}
