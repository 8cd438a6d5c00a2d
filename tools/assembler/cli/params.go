package cli

import (
	"fmt"
	"os"
	"strings"
)

// expandParams replaces each "@file" argument by the file's lines, one
// argument a line: Bazel's "multiline" params files, which actions use for
// long command lines and for values known only at execution time (stamping).
func expandParams(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if len(a) < 2 || a[0] != '@' {
			out = append(out, a)
			continue
		}
		b, err := os.ReadFile(a[1:])
		if err != nil {
			return nil, fmt.Errorf("reading params file: %w", err)
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		if len(b) == 0 {
			lines = nil
		}
		out = append(out, lines...)
	}
	return out, nil
}
