package provenance

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// The golden statements are valid by the in-toto project's own Go bindings
// of the specs (github.com/in-toto/attestation: Statement v1 and SLSA
// Provenance v1): every field is one the specs name, and both pass the
// bindings' validation. testdata/validate is a module of its own, which
// the Go module cache or proxy provides.
func TestValidBySpecBindings(t *testing.T) {
	goTool := testenv.Tool(t, "go")
	statements, err := filepath.Abs(filepath.Join("testdata", "statement_stamped.json"))
	if err != nil {
		t.Fatal(err)
	}
	unstamped, _ := filepath.Abs(filepath.Join("testdata", "statement.json"))
	validate := func(paths ...string) ([]byte, error) {
		cmd := exec.Command(goTool, append([]string{"run", "."}, paths...)...)
		cmd.Dir = filepath.Join("testdata", "validate")
		return cmd.CombinedOutput()
	}
	if out, err := validate(statements, unstamped); err != nil {
		t.Fatalf("the statements are not valid in-toto SLSA provenance: %v\n%s", err, out)
	}
	// The validator refuses what the specs do not name, so the check above
	// means something.
	bad := filepath.Join(t.TempDir(), "bad.json")
	writeRenamed(t, statements, bad, `"buildType"`, `"buildKind"`)
	if out, err := validate(bad); err == nil {
		t.Errorf("the validator accepted a statement with a field the spec does not name: %s", out)
	}
}
