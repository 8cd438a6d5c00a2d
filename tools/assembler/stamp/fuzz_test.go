package stamp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzStatus feeds any workspace status file and any value to expand.
func FuzzStatus(f *testing.F) {
	f.Add("BUILD_USER alice\nSTABLE_GIT_COMMIT abc123\n", "app:{STABLE_GIT_COMMIT}")
	f.Add("", "{}{X}{")
	f.Fuzz(func(t *testing.T, status, value string) {
		path := filepath.Join(t.TempDir(), "stable-status.txt")
		os.WriteFile(path, []byte(status), 0o644)
		values, err := ReadStatus(path)
		if err != nil {
			return
		}
		out, err := Expand(value, values)
		if err == nil && placeholder.MatchString(out) && !strings.Contains(value, "{") {
			t.Errorf("Expand(%q) = %q holds a placeholder the value did not", value, out)
		}
	})
}
