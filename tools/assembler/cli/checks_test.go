package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// Programs that use what the checks look for, or nothing of it.
const (
	httpProgram   = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() { fmt.Println(http.Get(\"https://example.com\")) }\n"
	zoneProgram   = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"
	tzdataProgram = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n\t_ \"time/tzdata\"\n)\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"
	plainProgram  = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"
)

// program builds source for linux on the host's architecture, static, and
// stripped of its symbols when strip is set (as Bazel may link it).
func program(t *testing.T, source string, strip bool) string {
	t.Helper()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/prog\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(source), 0o644)
	out := filepath.Join(t.TempDir(), "server")
	args := []string{"build", "-trimpath", "-o", out}
	if strip {
		args = append(args, "-ldflags=-s -w")
	}
	cmd := exec.Command(testenv.Tool(t, "go"), append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+hostArch(), "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// runWarnings runs the assembler, which must succeed, and returns what it
// printed to stderr.
func runWarnings(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("assembler %s exited %d:\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stderr.String()
}

// baseFile is a file of a test base: its path in the image, its content
// and its mode.
type baseFile struct{ path, content, mode string }

// importedBase makes a base of real layer tars holding files, and imports
// it, as bases enter a build: the import indexes its files.
func importedBase(t *testing.T, files ...baseFile) string {
	t.Helper()
	dir := t.TempDir()
	desc := filepath.Join(dir, "files.json")
	args := []string{"layer", "--output", filepath.Join(dir, "files.tar.gz"), "--descriptor", desc, "--quiet"}
	for i, f := range files {
		src := filepath.Join(dir, "src", strings.Repeat("f", i+1))
		os.MkdirAll(filepath.Dir(src), 0o755)
		if err := os.WriteFile(src, []byte(f.content), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--file", src+"="+f.path+":"+f.mode)
	}
	runOK(t, args...)
	runOK(t, "build", "--layer", desc, "--layout", filepath.Join(dir, "base"), "--quiet")
	runOK(t, "import", "--base", filepath.Join(dir, "base"), "--layout", filepath.Join(dir, "imported"))
	return filepath.Join(dir, "imported")
}

var (
	caBundle = baseFile{"/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n", "0644"}
	utcZone  = baseFile{"/usr/share/zoneinfo/UTC", "TZif2", "0644"}
	passwd   = baseFile{"/etc/passwd", "root:x:0:0::/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n", "0644"}
)

// buildArgs are the flags of a build of bin on base, written as a thin
// layout, with more flags.
func buildArgs(t *testing.T, base, bin string, more ...string) []string {
	return append([]string{"build", "--base", base, "--binary", bin, "--platform", "linux/" + hostArch(),
		"--thin-layout", filepath.Join(t.TempDir(), "thin"), "--quiet"}, more...)
}

// A Go binary that verifies TLS certificates, in an image without CA
// certificates, gets one warning naming the binary, the fix and how to
// turn the check off; a base with certificates, or the check off, prints
// none; at level error the build fails. Stripped binaries tell the same.
func TestCheckCACertificates(t *testing.T) {
	withCerts := importedBase(t, caBundle)
	for _, strip := range []bool{false, true} {
		bin := program(t, httpProgram, strip)
		stderr := runWarnings(t, buildArgs(t, "scratch", bin)...)
		for _, want := range []string{"warning: /app/server links crypto/x509", "/etc/ssl/certs/ca-certificates.crt", "x509roots/fallback", "--check ca-certificates=off"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("strip=%v: stderr lacks %q:\n%s", strip, want, stderr)
			}
		}
		if n := strings.Count(stderr, "\n"); n != 1 {
			t.Errorf("strip=%v: %d lines on stderr, want one warning:\n%s", strip, n, stderr)
		}
		wantQuiet(t, "a base with CA certificates", runWarnings(t, buildArgs(t, withCerts, bin)...))
		wantQuiet(t, "--check ca-certificates=off", runWarnings(t, buildArgs(t, "scratch", bin, "--check", "ca-certificates=off")...))
		wantQuiet(t, "SSL_CERT_FILE", runWarnings(t, buildArgs(t, "scratch", bin, "--env", "SSL_CERT_FILE=/run/secrets/ca.pem")...))
		_, err := runErr(buildArgs(t, "scratch", bin, "--check", "ca-certificates=error")...)
		wantError(t, err, "links crypto/x509")
	}
}

// A Go binary that loads time zones, in an image without a time zone
// database, gets a warning; embedding time/tzdata, a base with zoneinfo or
// the check off silences it.
func TestCheckTZData(t *testing.T) {
	withZones := importedBase(t, utcZone)
	for _, strip := range []bool{false, true} {
		bin := program(t, zoneProgram, strip)
		stderr := runWarnings(t, buildArgs(t, "scratch", bin)...)
		for _, want := range []string{"warning: /app/server calls time.LoadLocation", `import _ "time/tzdata"`, "--check tzdata=off"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("strip=%v: stderr lacks %q:\n%s", strip, want, stderr)
			}
		}
		wantQuiet(t, "a base with zoneinfo", runWarnings(t, buildArgs(t, withZones, bin)...))
		wantQuiet(t, "--check tzdata=off", runWarnings(t, buildArgs(t, "scratch", bin, "--check", "tzdata=off")...))
		wantQuiet(t, "time/tzdata", runWarnings(t, buildArgs(t, "scratch", program(t, tzdataProgram, strip))...))
		wantQuiet(t, "a plain program", runWarnings(t, buildArgs(t, "scratch", program(t, plainProgram, strip))...))
	}
}

// A user named by name needs the image's /etc/passwd to list it; numeric
// ids need nothing.
func TestCheckUser(t *testing.T) {
	bin := program(t, plainProgram, true)
	_, err := runErr(buildArgs(t, "scratch", bin, "--user", "nonroot")...)
	wantError(t, err, `names the user "nonroot", which needs /etc/passwd`, "--user 65532:65532", "--check user=off")
	withUsers := importedBase(t, passwd)
	_, err = runErr(buildArgs(t, withUsers, bin, "--user", "app")...)
	wantError(t, err, `which its /etc/passwd lacks (it has nonroot, root)`)
	_, err = runErr(buildArgs(t, withUsers, bin, "--user", "nonroot:nonroot")...)
	wantError(t, err, `names the group "nonroot", which needs /etc/group`)
	wantQuiet(t, "a known user", runWarnings(t, buildArgs(t, withUsers, bin, "--user", "nonroot")...))
	wantQuiet(t, "numeric ids", runWarnings(t, buildArgs(t, "scratch", bin, "--user", "65532:65532")...))
	wantQuiet(t, "--check user=off", runWarnings(t, buildArgs(t, "scratch", bin, "--user", "nonroot", "--check", "user=off")...))

	// A base given as a layout no import indexed is indexed from its
	// layers when the build writes them.
	unindexed := filepath.Join(t.TempDir(), "unindexed")
	runOK(t, "build", "--base", withUsers, "--layer", oneFileLayer(t, "/etc/motd", "hi", "0644"), "--layout", unindexed, "--quiet")
	os.RemoveAll(filepath.Join(unindexed, "fsindex"))
	_, err = runErr("build", "--base", unindexed, "--binary", bin, "--user", "app", "--output", filepath.Join(t.TempDir(), "x.tar"))
	wantError(t, err, `which its /etc/passwd lacks`)
}

// The entrypoint must be an executable of the image; a bare name is looked
// up on the PATH, and must not run a base's file in place of the image's
// own binary.
func TestCheckEntrypoint(t *testing.T) {
	bin := program(t, plainProgram, true)
	_, err := runErr(buildArgs(t, "scratch", bin, "--entrypoint", "/app/nope")...)
	wantError(t, err, "the entrypoint /app/nope is not in the image", "such as /app/server", "--check entrypoint=off")
	_, err = runErr(buildArgs(t, "scratch", bin, "--entrypoint", "/app")...)
	wantError(t, err, "the entrypoint /app is a directory")
	_, err = runErr(buildArgs(t, "scratch", bin, "--binary-mode", "0644")...)
	wantError(t, err, "/app/server is a file without an execute bit")
	wantQuiet(t, "--check entrypoint=off", runWarnings(t, buildArgs(t, "scratch", bin, "--entrypoint", "/app/nope", "--check", "entrypoint=off")...))

	withServer := importedBase(t, baseFile{"/usr/bin/server", "#!/bin/sh\n", "0755"}, baseFile{"/usr/share/doc/README", "r", "0644"})
	inPath := []string{"--binary-path", "/usr/local/bin/server", "--entrypoint", "server"}
	wantQuiet(t, "the image's binary first on the PATH", runWarnings(t, buildArgs(t, withServer, bin, inPath...)...))
	_, err = runErr(buildArgs(t, withServer, bin, append(inPath, "--env", "PATH=/usr/bin:/usr/local/bin")...)...)
	wantError(t, err, `the entrypoint "server" runs /usr/bin/server`, "not the image's binary /usr/local/bin/server", "set the entrypoint to /usr/local/bin/server")
	_, err = runErr(buildArgs(t, withServer, bin, "--entrypoint", "/usr/share/doc/README")...)
	wantError(t, err, "/usr/share/doc/README is a file without an execute bit")
	_, err = runErr(buildArgs(t, withServer, bin, "--entrypoint", "nope")...)
	wantError(t, err, `"nope" is not an executable in any folder of the PATH /usr/local/sbin:`)
}

// A binary's layer, made apart as the Bazel rules make it, carries its
// facts in its descriptor, and the checks of the image read them there.
func TestCheckBinaryFromLayer(t *testing.T) {
	dir := t.TempDir()
	desc := filepath.Join(dir, "bin.json")
	runOK(t, "layer", "--binary", program(t, httpProgram, true)+"=/app/client", "--platform", "linux/"+hostArch(),
		"--output", filepath.Join(dir, "bin.tar.gz"), "--descriptor", desc, "--quiet")
	var raw struct {
		Binaries map[string]json.RawMessage `json:"binaries"`
	}
	readJSONFile(t, desc, &raw)
	var facts bytes.Buffer
	json.Compact(&facts, raw.Binaries["/app/client"])
	if got := facts.String(); got != `{"go":{"x509":true}}` {
		t.Errorf("the descriptor's facts of /app/client are %s, want {\"go\":{\"x509\":true}}", got)
	}
	if _, d, err := layer.ReadDescriptor(desc); err != nil || d.Binaries["/app/client"].Go == nil {
		t.Fatalf("reading the descriptor back: %v", err)
	}
	thin := filepath.Join(t.TempDir(), "thin")
	stderr := runWarnings(t, "build", "--layer", desc, "--entrypoint", "/app/client", "--thin-layout", thin, "--quiet")
	if !strings.Contains(stderr, "warning: /app/client links crypto/x509") {
		t.Errorf("stderr lacks the warning for /app/client:\n%s", stderr)
	}
}

// An unknown check or level is a usage error that lists what there is.
func TestCheckFlagUsage(t *testing.T) {
	for spec, want := range map[string]string{
		"nope=off":    "the checks are architecture, base-architecture, dynamic, entrypoint, user, ca-certificates, tzdata",
		"tzdata=loud": "the levels are off, warn and error",
	} {
		var stdout, stderr bytes.Buffer
		code := Run(context.Background(), []string{"build", "--binary", "x", "--output", "x.tar", "--check", spec}, &stdout, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), want) {
			t.Errorf("--check %s: exit %d, stderr lacks %q:\n%s", spec, code, want, stderr.String())
		}
	}
}

// The index an import writes records executables, symlinks and groups.
func TestImportIndexesKinds(t *testing.T) {
	base := importedBase(t, baseFile{"/usr/bin/tool", "x", "0755"}, baseFile{"/etc/group", "nonroot:x:65532:\n", "0644"})
	names, err := filepath.Glob(filepath.Join(base, "fsindex", "*.json"))
	if err != nil || len(names) != 1 {
		t.Fatalf("the import wrote indexes %v, %v; want one", names, err)
	}
	b, _ := os.ReadFile(names[0])
	for _, want := range []string{`"execs":["/usr/bin/tool"]`, `"groups":{"nonroot":"65532"}`, `"other":["/etc","/usr","/usr/bin"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the import's index lacks %s:\n%s", want, b)
		}
	}
}

func wantQuiet(t *testing.T, what, stderr string) {
	t.Helper()
	if stderr != "" {
		t.Errorf("%s: want no warning, got:\n%s", what, stderr)
	}
}

// oneFileLayer makes a layer of one file and returns its descriptor.
func oneFileLayer(t *testing.T, dest, content, mode string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte(content), 0o644)
	desc := filepath.Join(dir, "layer.json")
	runOK(t, "layer", "--file", src+"="+dest+":"+mode, "--output", filepath.Join(dir, "layer.tar.gz"), "--descriptor", desc, "--quiet")
	return desc
}
