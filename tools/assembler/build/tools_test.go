package build

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// checkWithTools checks an image tarball, named tag,
// with tools we did not write, and runs it: crane validate, skopeo inspect
// and copy (which picks the host's platform of an index), umoci unpack of
// that copy (then the entrypoint, run in the unpacked root), docker load and
// docker run. Each run must print want.
func checkWithTools(t *testing.T, tarball, tag, digest, want string) {
	t.Helper()
	testenv.Run(t, testenv.Tool(t, "crane"), "validate", "--tarball", tarball)
	copied := checkSkopeo(t, tarball, tag, digest)
	if out := runUnpacked(t, copied, "copy"); !strings.Contains(out, want) {
		t.Errorf("the entrypoint unpacked by umoci printed %q, want %q", out, want)
	}
	if out := dockerRun(t, tarball, tag); !strings.Contains(out, want) {
		t.Errorf("docker run printed %q, want %q", out, want)
	}
}

// checkSkopeo inspects the tarball with skopeo and copies it to a layout
// (from the layout directory beside it), which it returns.
func checkSkopeo(t *testing.T, tarball, tag, digest string) string {
	t.Helper()
	skopeo := testenv.Tool(t, "skopeo")
	src := "oci-archive:" + tarball + ":" + testenv.ImageTag(tag)
	var info struct{ Digest string }
	if err := json.Unmarshal([]byte(testenv.Run(t, skopeo, "inspect", src)), &info); err != nil {
		t.Fatal(err)
	}
	if info.Digest != digest {
		t.Errorf("skopeo inspect sees %s, the assembler printed %s", info.Digest, digest)
	}
	copied := filepath.Join(t.TempDir(), "copy")
	testenv.Run(t, skopeo, "copy", "--quiet", src, "oci:"+copied+":copy")
	return copied
}

// runUnpacked unpacks the image with umoci and runs the process of the
// runtime bundle umoci writes (its args and env come from the image config)
// in the unpacked root file system.
func runUnpacked(t *testing.T, layout, ref string) string {
	t.Helper()
	umoci := testenv.Tool(t, "umoci")
	if os.Geteuid() != 0 {
		t.Skip("running the unpacked entrypoint needs root, for chroot")
	}
	bundle := filepath.Join(t.TempDir(), "bundle")
	testenv.Run(t, umoci, "unpack", "--image", layout+":"+ref, bundle)
	var spec struct {
		Process struct {
			Args []string
			Env  []string
			Cwd  string
		}
	}
	b, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("chroot", append([]string{filepath.Join(bundle, "rootfs")}, spec.Process.Args...)...)
	cmd.Env = spec.Process.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running %q unpacked: %v\n%s", spec.Process.Args, err, out)
	}
	return string(out)
}

// dockerRun loads the tarball into the engine, runs it, and removes it.
func dockerRun(t *testing.T, tarball, tag string) string {
	t.Helper()
	docker := testenv.Docker(t)
	out := testenv.Run(t, docker, "load", "-i", tarball)
	if !strings.Contains(out, "Loaded image: "+tag) {
		t.Errorf("docker load printed %q, want it to load %s", out, tag)
	}
	defer testenv.RunErr(docker, "rmi", "-f", tag)
	return testenv.Run(t, docker, "run", "--rm", tag)
}
