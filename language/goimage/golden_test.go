package goimage_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bazel-contrib/bazel-gazelle/v2/cmd/gazelle/update"
	"github.com/bazelbuild/bazel-gazelle/language"
	golang "github.com/bazelbuild/bazel-gazelle/language/go"
	"github.com/google/go-cmp/cmp"

	"github.com/rules-goimage/rules_goimage/language/goimage"
)

var updateGoldens = flag.Bool("update", false, "rewrite the BUILD.out and expectedStderr.txt files of testdata/ from what Gazelle does")

// The files of a case folder, named as Gazelle's gazelle_generation_test
// names them, so that the same folders serve both test runners.
const (
	argumentsFile = "arguments.txt"
	stderrFile    = "expectedStderr.txt"
	exitCodeFile  = "expectedExitCode.txt"
	inSuffix      = ".in"
	outSuffix     = ".out"
)

// TestGolden runs a real Gazelle, with the Go language and this one, on a
// copy of each case folder of testdata/ (a folder with a MODULE.bazel), and
// compares the BUILD files with the BUILD.out files and what Gazelle logged
// with expectedStderr.txt. It then runs Gazelle a second time and checks
// that nothing changes.
func TestGolden(t *testing.T) {
	modules, err := filepath.Glob("testdata/*/MODULE.bazel")
	if err != nil || len(modules) == 0 {
		t.Fatalf("no test cases in testdata/: %v", err)
	}
	for _, m := range modules {
		dir := filepath.Dir(m)
		t.Run(filepath.Base(dir), func(t *testing.T) { testCase(t, dir) })
	}
}

func testCase(t *testing.T, caseDir string) {
	ws := copyCase(t, caseDir)
	args := readArgs(t, caseDir)
	stderr, code := runGazelle(t, ws, args)
	if *updateGoldens {
		writeGoldens(t, caseDir, ws, stderr)
		return
	}
	if want := readOptional(t, filepath.Join(caseDir, exitCodeFile), "0"); strconv.Itoa(code) != want {
		t.Errorf("gazelle exit code: got %d, want %s", code, want)
	}
	if diff := cmp.Diff(readOptional(t, filepath.Join(caseDir, stderrFile), ""), stderr); diff != "" {
		t.Errorf("gazelle stderr (-want +got):\n%s", diff)
	}
	compareBuildFiles(t, caseDir, ws)

	before := snapshot(t, ws)
	runGazelle(t, ws, args)
	if diff := cmp.Diff(before, snapshot(t, ws)); diff != "" {
		t.Errorf("a second gazelle run changed files (-first +second):\n%s", diff)
	}
}

// runGazelle runs Gazelle in-process as the gazelle_binary's main does, and
// returns its log output, with the workspace path replaced as
// gazelle_generation_test does, and its exit code.
func runGazelle(t *testing.T, ws string, args []string) (string, int) {
	t.Helper()
	var stderr bytes.Buffer
	log.SetOutput(&stderr)
	log.SetPrefix("gazelle: ")
	log.SetFlags(0)
	defer log.SetOutput(os.Stderr)
	langs := []language.Language{golang.NewLanguage(), goimage.NewLanguage()}
	code := 0
	if err := update.Run(context.Background(), langs, ws, args); err != nil {
		fmt.Fprintf(&stderr, "gazelle: %v\n", err)
		code = 1
	}
	out := strings.ReplaceAll(stderr.String(), ws, "%WORKSPACEPATH%")
	return strings.TrimSpace(out), code
}

// copyCase copies a case folder to a new workspace, with BUILD.in files as
// BUILD.bazel, and without the golden files.
func copyCase(t *testing.T, caseDir string) string {
	t.Helper()
	ws, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(caseDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(caseDir, p)
		switch {
		case strings.HasSuffix(rel, outSuffix), rel == argumentsFile, rel == stderrFile, rel == exitCodeFile:
			return nil
		case strings.HasSuffix(rel, inSuffix):
			rel = strings.TrimSuffix(rel, inSuffix) + ".bazel"
		}
		return copyFile(p, filepath.Join(ws, rel))
	})
	if err != nil {
		t.Fatalf("copying %s: %v", caseDir, err)
	}
	return ws
}

// compareBuildFiles checks every BUILD.out against the BUILD.bazel Gazelle
// left, and that Gazelle wrote no BUILD file the case does not expect.
func compareBuildFiles(t *testing.T, caseDir, ws string) {
	t.Helper()
	got := buildFiles(t, ws, ".bazel")
	want := buildFiles(t, caseDir, outSuffix)
	for rel, content := range want {
		if diff := cmp.Diff(content, got[rel]); diff != "" {
			t.Errorf("%s (-BUILD.out +generated):\n%s", rel, diff)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s: gazelle wrote a BUILD file that has no BUILD.out", rel)
		}
	}
}

// buildFiles maps the folder of each BUILD file with the given suffix under
// root to its trimmed content.
func buildFiles(t *testing.T, root, suffix string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != "BUILD"+suffix {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, filepath.Dir(p))
		files[filepath.ToSlash(rel)] = strings.TrimSpace(string(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// snapshot maps every file under root to its content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// writeGoldens rewrites a case's BUILD.out and expectedStderr.txt files from
// what Gazelle did.
func writeGoldens(t *testing.T, caseDir, ws, stderr string) {
	t.Helper()
	for rel, content := range buildFiles(t, ws, ".bazel") {
		if err := os.WriteFile(filepath.Join(caseDir, rel, "BUILD.out"), []byte(content+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(caseDir, stderrFile)
	if stderr == "" {
		_ = os.Remove(path)
		return
	}
	if err := os.WriteFile(path, []byte(stderr+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readArgs(t *testing.T, caseDir string) []string {
	t.Helper()
	text := readOptional(t, filepath.Join(caseDir, argumentsFile), "")
	if text == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// readOptional returns a file's trimmed content, or def when it is absent.
func readOptional(t *testing.T, path, def string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return def
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(data))
}

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}
