package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ContainerdDockerHost is the socket of the Docker engine with the
// containerd image store that tools/docker-containerd.sh starts (Docker 28
// from Debian forky, beside the machine's own engine).
const ContainerdDockerHost = "unix:///run/goimage-docker/docker.sock"

// DockerEngine is a Docker engine a test loads images into.
type DockerEngine struct {
	// Name names the engine in subtests: "default" (the docker command's
	// own, DOCKER_HOST or the machine's) or "containerd-store".
	Name string
	// Host is the DOCKER_HOST of the engine; empty for the default one.
	Host string
}

// DockerEngines are the engines the load tests run against: the default
// one, whichever image store it has, and a Docker >= 25 with the containerd
// image store (tools/docker-containerd.sh start).
func DockerEngines() []DockerEngine {
	return []DockerEngine{{Name: "default"}, ContainerdStore()}
}

// ContainerdStore is the Docker engine with the containerd image store that
// tools/docker-containerd.sh starts.
func ContainerdStore() DockerEngine {
	return DockerEngine{Name: "containerd-store", Host: ContainerdDockerHost}
}

// Use points the docker command at the engine for the rest of the test
// (DOCKER_HOST) and returns the command and whether the engine has the
// containerd image store, which keeps an image's manifest digest as its ID
// where the classic store uses the config digest. An engine that does not
// answer skips the test, or fails it under CI (CI=true), whose install step
// starts both.
func (e DockerEngine) Use(t *testing.T) (docker string, containerdStore bool) {
	t.Helper()
	if e.Host != "" {
		t.Setenv("DOCKER_HOST", e.Host)
	}
	docker = Tool(t, "docker")
	status, err := RunErr(docker, "info", "--format", "{{json .DriverStatus}}")
	if err != nil {
		hint := "install Docker and start its engine"
		if e.Host == ContainerdDockerHost {
			hint = "start it as root with tools/docker-containerd.sh start"
		}
		skipOrFail(t, "this test needs the "+e.Name+" Docker engine ("+orDefault(e.Host)+"): "+hint+": "+err.Error())
	}
	containerdStore = strings.Contains(status, "io.containerd.snapshotter.v1")
	if e.Host == ContainerdDockerHost && !containerdStore {
		skipOrFail(t, "the engine on "+e.Host+" does not use the containerd image store: "+status)
	}
	return docker, containerdStore
}

func orDefault(host string) string {
	if host == "" {
		if h := os.Getenv("DOCKER_HOST"); h != "" {
			return h
		}
		return "the default socket"
	}
	return host
}

// Buildx returns docker-buildx of the containerd-store engine's chroot
// (tools/docker-containerd.sh installs it), which runs standalone, or skips
// the test (fails it under CI).
func Buildx(t testing.TB) string {
	t.Helper()
	root := os.Getenv("GOIMAGE_DOCKER_ROOT")
	if root == "" {
		root = "/opt/goimage-docker"
	}
	p := filepath.Join(root, "usr/libexec/docker/cli-plugins/docker-buildx")
	if _, err := os.Stat(p); err != nil {
		skipOrFail(t, "this test needs docker-buildx, which tools/docker-containerd.sh start installs in "+root+": "+err.Error())
	}
	return p
}
