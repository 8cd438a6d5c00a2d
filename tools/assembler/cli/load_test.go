package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func TestLoadStreamsIntoDocker(t *testing.T) {
	if err := exec.Command("docker", "version").Run(); err != nil {
		t.Skipf("needs a running Docker engine: %v", err)
	}
	dir, _ := randomLayout(t)
	tag := fmt.Sprintf("goimage-test-rules/cli-load:%d", os.Getpid())
	defer exec.Command("docker", "rmi", "--force", tag).Run()
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"load", "--layout", dir, "--tag", tag, "--platform", "linux/amd64"}, &stdout, &stderr); code != 0 {
		t.Fatalf("assembler load exited %d:\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "Loaded image: "+tag) {
		t.Errorf("docker load said %q, want it to name %s", stdout.String(), tag)
	}
}

// run loads the image and runs it with the engine's options and the
// entrypoint's arguments given after --, and exits as the container does.
func TestRunLoadsAndRuns(t *testing.T) {
	docker := testenv.Docker(t)
	bin := testenv.GoBinary(t, `package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	fmt.Printf("GREETING=%s args=%s\n", os.Getenv("GREETING"), strings.Join(os.Args[1:], ","))
	if len(os.Args) > 1 && os.Args[1] == "fail" {
		os.Exit(3)
	}
}
`, "linux", runtime.GOARCH)
	layout := filepath.Join(t.TempDir(), "layout")
	runOK(t, "build", "--binary", bin, "--platform", "linux/"+runtime.GOARCH, "--layout", layout, "--quiet")
	tag := testenv.UniqueName("cli-run")
	defer exec.Command(docker, "rmi", "--force", tag).Run()
	var stdout, stderr bytes.Buffer
	args := []string{"run", "--layout", layout, "--tag", tag, "--", "-e", "GREETING=hi", "--", "a", "b"}
	if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("assembler run exited %d:\n%s", code, stderr.String())
	}
	if got, want := strings.TrimSpace(stdout.String()), "GREETING=hi args=a,b"; got != want {
		t.Errorf("the container printed %q, want %q", got, want)
	}
	stdout.Reset()
	if code := Run(context.Background(), []string{"run", "--layout", layout, "--tag", tag, "--", "--", "fail"}, &stdout, &stderr); code != 3 {
		t.Errorf("assembler run of a container that exits 3 exited %d", code)
	}
}

// --containerd loads into a containerd with no engine command, in the
// --namespace given, and says what it wrote; a second load of the same
// image writes nothing.
func TestLoadIntoContainerdByAddress(t *testing.T) {
	ctrd := testenv.StartContainerd(t)
	dir, digest := randomLayout(t)
	args := []string{"load", "--layout", dir, "--tag", "example.com/cli/app:one", "--tag", "app:two",
		"--containerd", ctrd.Address, "--namespace", "goimage-test"}
	for _, want := range []string{"wrote 3 of 3 blobs", "wrote 0 of 3 blobs"} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), args, &stdout, &stderr); code != 0 {
			t.Fatalf("assembler load exited %d:\n%s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), want) || !strings.Contains(stderr.String(), "namespace goimage-test") {
			t.Errorf("assembler load said %q, want %q into namespace goimage-test", stderr.String(), want)
		}
	}
	images := ctrd.Ctr(t, "images", "ls", "--quiet")
	if want := "docker.io/library/app:two\nexample.com/cli/app:one\n"; images != want {
		t.Errorf("ctr images ls: %q, want %q", images, want)
	}
	if got := ctrd.Ctr(t, "images", "ls"); strings.Count(got, digest) != 2 {
		t.Errorf("ctr images ls does not show both names at %s:\n%s", digest, got)
	}
}
