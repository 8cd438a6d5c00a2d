package load

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// dockerContainerd is what `docker info` says of the containerd behind a
// Docker engine (Docker 27 and later).
type dockerContainerd struct {
	Address    string
	Namespaces struct {
		// Containers is the namespace of the engine's images and containers.
		Containers string
	}
}

// dockerTarget is the containerd of a Docker engine with the containerd
// image store, when this process can load into it directly; otherwise it
// says, in one line, why the image is streamed to docker load instead.
func dockerTarget(ctx context.Context, o Options, e *engine) (*containerdTarget, string) {
	if !e.containerdStore {
		return nil, o.Engine + " uses the classic image store, which takes whole images only"
	}
	if host := dockerHost(ctx, o.Engine); host != "" && !strings.HasPrefix(host, "unix://") {
		return nil, fmt.Sprintf("%s's engine is remote (%s), its containerd is not reachable from here", o.Engine, host)
	}
	out, err := run(ctx, o.Engine, "info", "--format", "{{json .Containerd}}")
	var info dockerContainerd
	if err != nil || json.Unmarshal([]byte(out), &info) != nil || info.Address == "" {
		return nil, o.Engine + " does not say where its containerd is (Docker 27 and later do); pass --containerd ADDRESS --namespace moby to load into it directly"
	}
	t := containerdTarget{address: info.Address, namespace: info.Namespaces.Containers}
	if o.Namespace != "" {
		t.namespace = o.Namespace
	}
	if t.namespace == "" {
		t.namespace = "moby"
	}
	if err := reachable(t.address); err != nil {
		return nil, fmt.Sprintf("%s's containerd socket %s is not usable from here (%v)", o.Engine, t.address, err)
	}
	return &t, ""
}

// dockerHost is the address of the engine the docker command talks to:
// DOCKER_HOST, or its current context's; empty when it cannot tell.
func dockerHost(ctx context.Context, docker string) string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	h, err := run(ctx, docker, "context", "inspect", "--format", "{{.Endpoints.docker.Host}}")
	if err != nil {
		return ""
	}
	return h
}

// checkDockerSees checks that the engine knows the image just loaded into
// the containerd its docker info named: a socket at that path on this
// machine may be another containerd than the engine's (the engine in a VM
// or behind a forwarded socket, a containerd of the machine's own there).
func checkDockerSees(ctx context.Context, docker string, t containerdTarget, digest v1.Hash) error {
	out, err := exec.CommandContext(ctx, docker, "image", "inspect", "--format", "{{.Id}}", digest.String()).CombinedOutput()
	if err != nil {
		return fmt.Errorf("loaded %s into the containerd at %s, which %s info names, but %s image inspect does not find it (%v: %s): "+
			"that socket is not the engine's own containerd; load with --containerd and the engine's socket, or --engine for another engine",
			digest, t.address, docker, docker, err, strings.TrimSpace(string(out)))
	}
	return nil
}
