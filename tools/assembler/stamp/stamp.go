// Package stamp fills workspace status values into image names and labels.
//
// Bazel writes the workspace status (BUILD_USER, BUILD_TIMESTAMP, and the
// STABLE_* / other keys of a --workspace_status_command) to two files, one
// "KEY value" line each. A value such as "app:{STABLE_GIT_COMMIT}" names a key
// in braces; Expand replaces it. Only builds with --stamp read the files, so
// that builds without it stay reproducible.
package stamp

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
)

// placeholder is {KEY}: upper case letters, digits and underscores, the
// shape of every workspace status key.
var placeholder = regexp.MustCompile(`\{([A-Z][A-Z0-9_]*)\}`)

// ReadStatus reads workspace status files into one map; a key of a later
// file wins.
func ReadStatus(files ...string) (map[string]string, error) {
	values := map[string]string{}
	for _, f := range files {
		if err := readStatusFile(f, values); err != nil {
			return nil, err
		}
	}
	return values, nil
}

func readStatusFile(path string, values map[string]string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("reading workspace status: %w", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		key, value, _ := strings.Cut(s.Text(), " ")
		if key != "" {
			values[key] = value
		}
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("reading workspace status %q: %w", path, err)
	}
	return nil
}

// Expand replaces every {KEY} in s by its value. A key the status lacks is an
// error that lists the keys there are, since it is most likely a typo.
func Expand(s string, values map[string]string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		key := m[1 : len(m)-1]
		v, ok := values[key]
		if !ok {
			missing = append(missing, key)
			return m
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%q uses workspace status key %s, which the workspace status does not have (it has: %s)",
			s, strings.Join(missing, ", "), strings.Join(keys(values), ", "))
	}
	return out, nil
}

func keys(values map[string]string) []string {
	out := make([]string, 0, len(values))
	for k := range values {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// HasPlaceholder reports whether s holds a {KEY} placeholder: a value that
// a build without stamping left as it is.
func HasPlaceholder(s string) bool { return placeholder.MatchString(s) }
