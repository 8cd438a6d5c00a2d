package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The Starlark files the rules read hold what the Go code says.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	if err := os.Chdir(root); err != nil {
		t.Fatal(err)
	}
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s is not what the Go code gives; run: go run ./tools/assembler/gen", path)
		}
	}
}
