package synthrepo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Layout{Packages: 40, Binaries: 10, Directives: true}); err != nil {
		t.Fatal(err)
	}
	var packages, commands, groupBuildFiles int
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch d.Name() {
		case "main.go":
			commands++
			packages++
		case "lib.go":
			packages++
		case "BUILD.bazel":
			if filepath.Dir(p) != dir {
				groupBuildFiles++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if packages != 40 || commands != 10 || groupBuildFiles != 1 {
		t.Errorf("got %d packages, %d commands, %d group BUILD files; want 40, 10, 1", packages, commands, groupBuildFiles)
	}
	main, err := os.ReadFile(filepath.Join(dir, "g000/p0003/main.go"))
	if err != nil || !strings.Contains(string(main), `"example.com/mono/g000/p0002"`) {
		t.Errorf("g000/p0003/main.go: %q, %v; want a command importing g000/p0002", main, err)
	}
}

func TestWriteRefusesMoreBinariesThanPackages(t *testing.T) {
	if err := Write(t.TempDir(), Layout{Packages: 2, Binaries: 3}); err == nil {
		t.Error("no error for 3 binaries in 2 packages")
	}
}
