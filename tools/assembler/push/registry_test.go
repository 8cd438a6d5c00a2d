package push

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// distribution is a running Docker distribution registry (Debian's
// docker-registry), the registry most self-hosted setups run.
type distribution struct {
	host string // 127.0.0.1:port
}

// startDistribution starts docker-registry on a free port of 127.0.0.1,
// requiring user:password when user is not empty, and stops it when the
// test ends.
func startDistribution(t *testing.T, user, password string) *distribution {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Skip("needs Debian's docker-registry (apt-get install docker-registry); tools/run_tests.sh installs it")
	}
	dir := t.TempDir()
	host := freeAddress(t)
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n",
		filepath.Join(dir, "data"), host)
	if user != "" {
		config += fmt.Sprintf("auth:\n  htpasswd:\n    realm: test\n    path: %s\n", htpasswdFile(t, dir, user, password))
	}
	configPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(configPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	logFile, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", configPath)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logFile.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("docker-registry log:\n%s", b)
		}
	})
	waitForRegistry(t, host)
	return &distribution{host: host}
}

func htpasswdFile(t *testing.T, dir, user, password string) string {
	t.Helper()
	out, err := exec.Command("htpasswd", "-Bbn", user, password).Output()
	if err != nil {
		t.Skipf("needs htpasswd (apt-get install apache2-utils; tools/run_tests.sh installs it): %v", err)
	}
	path := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitForRegistry(t *testing.T, host string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + host + "/v2/"); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("docker-registry did not answer on %s", host)
}
