package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// TestPinDigests migrates a ko configuration whose base is a tag in a real
// registry (Debian's docker-registry, started here on 127.0.0.1) with
// -pin, and checks that MODULE.bazel gets the digest the tag points to.
func TestPinDigests(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	host := startRegistry(t)
	img, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(host + "/team/base:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(tag, img); err != nil {
		t.Fatalf("pushing the base to the registry: %v", err)
	}
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}

	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "defaultBaseImage: " + tag.String() + "\n"
	root := writeRepository(t, files)
	var out bytes.Buffer
	if err := run([]string{"-pin", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("    # ko used the tag \"v1\", which pointed to this digest.\n    image = %q,\n    digest = %q,\n", host+"/team/base", digest.String())
	if module := readFile(t, filepath.Join(root, "MODULE.bazel")); !strings.Contains(module, want) {
		t.Errorf("MODULE.bazel does not contain\n%s\n%s", want, module)
	}

	// The command the comments of unpinned bases name prints the same.
	out.Reset()
	if err := run([]string{"-digest", tag.String()}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != digest.String()+"\n" {
		t.Errorf("-digest %s printed %q, want %q", tag, out.String(), digest.String()+"\n")
	}

	files["go/.ko.yaml"] = "defaultBaseImage: " + host + "/team/base:missing\n"
	root = writeRepository(t, files)
	err = run([]string{"-pin", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &out)
	if err == nil || !strings.Contains(err.Error(), "pinning "+host+"/team/base:missing") {
		t.Errorf("a tag the registry does not have: error %v, want one naming it", err)
	}
	if got := readFile(t, filepath.Join(root, "go/BUILD.bazel")); got != koRepository["go/BUILD.bazel"] {
		t.Errorf("a failed pin changed go/BUILD.bazel:\n%s", got)
	}
}

// startRegistry runs Debian's docker-registry on a free port of 127.0.0.1
// for the test, and returns its host:port.
func startRegistry(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Skip("docker-registry is not installed (apt-get install docker-registry; tools/run_tests.sh installs it)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	config := filepath.Join(dir, "config.yml")
	content := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n", filepath.Join(dir, "data"), host)
	if err := os.WriteFile(config, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", config)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting docker-registry: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get("http://" + host + "/v2/"); err == nil {
			resp.Body.Close()
			return host
		}
		if time.Now().After(deadline) {
			t.Fatalf("docker-registry did not answer on %s within 20s:\n%s", host, logs.String())
		}
	}
}

// TestPinKoDefault checks that -pin asks the registry for ko's default
// base when the configuration names none: it pins it, or, on a machine
// that reaches no registry but its own, fails naming it.
func TestPinKoDefault(t *testing.T) {
	t.Setenv("BUILD_WORKSPACE_DIRECTORY", "")
	t.Setenv("KO_DEFAULTBASEIMAGE", "")
	files := map[string]string{}
	for k, v := range koRepository {
		files[k] = v
	}
	files["go/.ko.yaml"] = "builds:\n- main: ./cmd/api\n"
	root := writeRepository(t, files)
	err := run([]string{"-pin", "-ko_config", filepath.Join(root, "go/.ko.yaml")}, &bytes.Buffer{})
	switch {
	case err == nil:
		want := "    # ko used the tag \"latest\", which pointed to this digest.\n    image = \"cgr.dev/chainguard/static\",\n    digest = \"sha256:"
		if module := readFile(t, filepath.Join(root, "MODULE.bazel")); !strings.Contains(module, want) {
			t.Errorf("MODULE.bazel does not pin ko's default base:\n%s", module)
		}
	case !strings.Contains(err.Error(), "pinning cgr.dev/chainguard/static:latest"):
		t.Errorf("error %v, want one naming ko's default base", err)
	}
}
