package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
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
