// Package generationtest runs the golden cases of ../testdata with Gazelle's
// own test runner (testtools.TestGazelleGenerationOnPath) on the
// gazelle_binary that Bazel builds with the Go language and goimage: the
// same check as gazelle_generation_test, with a time limit set, which the
// gazelle_generation_test of this gazelle version leaves at zero.
package generationtest

import (
	"flag"
	"io/fs"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/bazel-contrib/bazel-gazelle/v2/testtools"
	"github.com/bazelbuild/rules_go/go/runfiles"
)

var gazelleBinary = flag.String("gazelle_binary", "", "rlocation path of the gazelle_binary to test")

// caseTimeout bounds one Gazelle run on one case folder.
const caseTimeout = 2 * time.Minute

func TestGeneration(t *testing.T) {
	if *gazelleBinary == "" {
		t.Skip("needs the Bazel-built gazelle binary: run bazel test //language/goimage/generationtest (go test runs the same cases in-process in ../golden_test.go)")
	}
	binary, err := runfiles.Rlocation(*gazelleBinary)
	if err != nil {
		t.Fatalf("finding the gazelle binary %s in the runfiles: %v", *gazelleBinary, err)
	}
	binary, err = filepath.Abs(binary)
	if err != nil {
		t.Fatal(err)
	}
	cases := caseFolders(t)
	if len(cases) == 0 {
		t.Fatal("no test cases (folders with a MODULE.bazel) in the runfiles")
	}
	for _, rel := range cases {
		dir, err := runfiles.Rlocation(rel)
		if err != nil {
			t.Fatalf("finding %s in the runfiles: %v", rel, err)
		}
		testtools.TestGazelleGenerationOnPath(t, &testtools.TestGazelleGenerationArgs{
			Name:                 path.Base(rel),
			TestDataPathAbsolute: dir,
			TestDataPathRelative: rel,
			GazelleBinaryPath:    binary,
			Timeout:              caseTimeout,
		})
	}
}

// caseFolders returns the runfiles paths of the folders with a MODULE.bazel,
// once per folder name: the runfiles list a file under more than one path.
func caseFolders(t *testing.T) []string {
	t.Helper()
	rf, err := runfiles.New()
	if err != nil {
		t.Fatalf("opening the runfiles: %v", err)
	}
	var cases []string
	seen := map[string]bool{}
	err = fs.WalkDir(rf, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "MODULE.bazel" && path.Dir(p) != "." && !seen[path.Base(path.Dir(p))] {
			seen[path.Base(path.Dir(p))] = true
			cases = append(cases, path.Dir(p))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking the runfiles: %v", err)
	}
	return cases
}
