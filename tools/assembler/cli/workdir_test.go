package cli

import "testing"

// Under bazel run, a relative path a user gives is from the folder they ran
// it in; absolute paths (the rules' runfiles) and unset flags stay as they are.
func TestFromWorkingDir(t *testing.T) {
	t.Setenv("BUILD_WORKING_DIRECTORY", "/home/me/repo")
	for in, want := range map[string]string{
		"cosign.key":        "/home/me/repo/cosign.key",
		"keys/../refs.json": "/home/me/repo/refs.json",
		"/abs/path":         "/abs/path",
		"":                  "",
	} {
		if got := fromWorkingDir(in); got != want {
			t.Errorf("fromWorkingDir(%q) = %q, want %q", in, got, want)
		}
	}
}
