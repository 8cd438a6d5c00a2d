package cli

import (
	"fmt"
	"os"
	"strings"
)

// tagsOrFile returns the tags given on the command line or, when there are
// none, those of the file (one a line): the rules write the file, and a
// user's --tag replaces it.
func tagsOrFile(tags []string, file string) ([]string, error) {
	if len(tags) > 0 || file == "" {
		return tags, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading --tags-file: %w", err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(line); t != "" {
			out = append(out, t)
		}
	}
	return out, nil
}

// valueOrFile returns the value given on the command line or, when there is
// none, the first line of the file the rules wrote (stamped, maybe).
func valueOrFile(value, file, flag string) (string, error) {
	if value != "" || file == "" {
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", flag, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first), nil
}
