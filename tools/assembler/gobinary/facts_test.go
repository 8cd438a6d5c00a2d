package gobinary

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// Programs that use, or do not use, what the checks of an image look for.
const (
	plainSource = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"
	httpSource  = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() { fmt.Println(http.Get(\"https://example.com\")) }\n"
	zoneSource  = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"
	tzdataZone  = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n\t_ \"time/tzdata\"\n)\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"
	// fallbackSource links a stand-in for golang.org/x/crypto/x509roots/fallback
	// (replaced by a local folder: the test needs no network), which
	// registers its roots in an init function as the real one does.
	fallbackSource = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\t_ \"golang.org/x/crypto/x509roots/fallback\"\n)\n\nfunc main() { fmt.Println(http.Get(\"https://example.com\")) }\n"
	fallbackModule = "package fallback\n\nimport \"crypto/x509\"\n\nfunc init() { x509.SetFallbackRoots(x509.NewCertPool()) }\n"
)

// goProgram builds source as a static binary for linux on the host's
// architecture, with the further go build flags given.
func goProgram(t *testing.T, source string, flags ...string) string {
	t.Helper()
	return goProgramFor(t, runtime.GOARCH, source, flags...)
}

// goProgramFor builds source as a static binary for linux/arch.
func goProgramFor(t *testing.T, arch, source string, flags ...string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                           "module example.com/prog\n\ngo 1.21\n\nrequire golang.org/x/crypto v0.0.0\n\nreplace golang.org/x/crypto => ./xcrypto\n",
		"main.go":                          source,
		"xcrypto/go.mod":                   "module golang.org/x/crypto\n\ngo 1.21\n",
		"xcrypto/x509roots/fallback/fb.go": fallbackModule,
	}
	for name, content := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "prog")
	cmd := exec.Command(testenv.Tool(t, "go"), append(append([]string{"build", "-trimpath", "-o", out}, flags...), ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=-mod=mod", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// What a Go binary uses is read from its function table, so a binary
// stripped of its symbols (as Bazel may link it) tells the same. The linker
// drops time.LoadLocation from a program that does not call it.
func TestReadUses(t *testing.T) {
	for _, tc := range []struct {
		name, source string
		flags        []string
		want         Uses
	}{
		{"plain", plainSource, nil, Uses{}},
		{"http client", httpSource, nil, Uses{X509: true}},
		{"LoadLocation", zoneSource, nil, Uses{LoadLocation: true}},
		{"time/tzdata", tzdataZone, nil, Uses{LoadLocation: true, TZData: true}},
		{"-tags timetzdata", zoneSource, []string{"-tags", "timetzdata"}, Uses{LoadLocation: true, TZData: true}},
		{"fallback roots", fallbackSource, nil, Uses{X509: true, X509Fallback: true}},
	} {
		for _, strip := range []bool{false, true} {
			flags := tc.flags
			if strip {
				flags = append(flags, "-ldflags=-s -w")
			}
			t.Run(tc.name+map[bool]string{true: " stripped"}[strip], func(t *testing.T) {
				t.Parallel()
				got, err := ReadUses(goProgram(t, tc.source, flags...))
				if err != nil {
					t.Fatal(err)
				}
				if got == nil {
					t.Fatal("ReadUses found no Go function table")
				}
				if diff := cmp.Diff(tc.want, *got); diff != "" {
					t.Errorf("uses (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// A binary that is not Go has no Go uses: its checks are skipped.
func TestReadUsesOfACProgram(t *testing.T) {
	gcc := testenv.Tool(t, "gcc")
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"), 0o644)
	bin := filepath.Join(dir, "hello")
	if b, err := exec.Command(gcc, "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, b)
	}
	facts, err := ReadFacts(bin)
	if err != nil {
		t.Fatal(err)
	}
	if facts.Go != nil || facts.Dynamic == nil {
		t.Errorf("a C program's facts are %+v, want no Go uses and a dynamic loader", facts)
	}
}
