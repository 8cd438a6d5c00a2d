package testenv

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// RegistryProcess is a docker-registry (Debian's distribution v2) serving
// plain HTTP on a free port of 127.0.0.1, from a folder of its own that holds
// its config.yml, its storage (data/) and its log (registry.log). The Go
// tests start it through StartRegistry; scripts through cmd/registry.
type RegistryProcess struct {
	// Host is host:port.
	Host string
	dir  string
	cmd  *exec.Cmd
	log  *os.File
}

// LaunchRegistry starts bin (the docker-registry command) in dir, with auth
// as the auth section of its config ("" for none, see HtpasswdAuth and
// TokenServer.RegistryAuth), and returns once it answers.
func LaunchRegistry(bin, dir, auth string) (*RegistryProcess, error) {
	host, err := freeAddress()
	if err != nil {
		return nil, err
	}
	config := fmt.Sprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: false\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n",
		filepath.Join(dir, "data"), host) + auth
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), []byte(config), 0o644); err != nil {
		return nil, err
	}
	// The registry logs every 404 of a push as an error, and every request
	// in the combined log format (what the tests count fetches by).
	logFile, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting docker-registry: %w", err)
	}
	p := &RegistryProcess{Host: host, dir: dir, cmd: cmd, log: logFile}
	if err := waitForRegistry(host); err != nil {
		p.Stop()
		return nil, fmt.Errorf("%w; its log:\n%s", err, p.Log())
	}
	return p, nil
}

// Stop kills the registry and waits for it to exit.
func (p *RegistryProcess) Stop() {
	p.cmd.Process.Kill()
	p.cmd.Wait()
	p.log.Close()
}

// Log returns what the registry logged.
func (p *RegistryProcess) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "registry.log"))
	return string(b)
}

// HtpasswdAuth writes dir/htpasswd, which holds user with password (hashed
// by htpasswd, the command of apache2-utils), and returns the auth section
// of a docker-registry config that asks for them.
func HtpasswdAuth(htpasswd, dir, user, password string) (string, error) {
	entry, err := RunErr(htpasswd, "-Bbn", user, password)
	if err != nil {
		return "", err
	}
	file := filepath.Join(dir, "htpasswd")
	if err := os.WriteFile(file, []byte(entry), 0o600); err != nil {
		return "", err
	}
	return fmt.Sprintf("auth:\n  htpasswd:\n    realm: test\n    path: %s\n", file), nil
}

func freeAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitForRegistry(host string) error {
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + host + "/v2/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("docker-registry did not answer on %s", host)
}
