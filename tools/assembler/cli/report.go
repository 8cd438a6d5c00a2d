package cli

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// printDigest prints the digest of d as the last line of stdout, unless quiet.
func printDigest(stdout io.Writer, quiet bool, d digester) error {
	if quiet {
		return nil
	}
	h, err := d.Digest()
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, h)
	return nil
}

// describeLayer is a layer's default line in the image history: its tars'
// names, then its files.
func describeLayer(tars []string, entries []layer.Entry) string {
	var parts []string
	for _, t := range tars {
		parts = append(parts, "tar "+filepath.Base(t))
	}
	if len(entries) > 0 {
		parts = append(parts, describeEntries(entries))
	}
	return strings.Join(parts, ", ")
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
