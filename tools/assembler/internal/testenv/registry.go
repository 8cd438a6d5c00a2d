package testenv

import (
	"encoding/base64"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Registry is a distribution registry serving on 127.0.0.1 for one test.
type Registry struct {
	// Host is host:port.
	Host string
	// User and Password are set when the registry requires them.
	User, Password string
	// log reads what a docker-registry process logged; nil in process.
	log func() string
}

// BlobReads counts the requests that read the blob h (GET, not HEAD) from
// the registry's log: the bytes a client fetched. Only a docker-registry
// process (StartMountingRegistry) logs its requests.
func (r *Registry) BlobReads(t testing.TB, h fmt.Stringer) int {
	t.Helper()
	if r.log == nil {
		t.Fatal("BlobReads needs the log of a docker-registry process: start it with StartMountingRegistry")
	}
	n := 0
	for _, line := range strings.Split(r.log(), "\n") {
		if strings.Contains(line, `"GET /v2/`) && strings.Contains(line, "/blobs/"+h.String()+" ") {
			n++
		}
	}
	return n
}

// The credentials of a registry that requires them.
const registryUser, registryPassword = "builder", "s3cret-pass"

// StartRegistry starts Debian's docker-registry on a free port, with
// htpasswd authentication when auth is set, and stops it when the test ends.
// Under -short, go-containerregistry's in-process registry serves instead:
// the quick loop needs no registry installed and starts no process.
func StartRegistry(t testing.TB, auth bool) *Registry {
	t.Helper()
	if testing.Short() {
		return startInProcessRegistry(t, auth)
	}
	if !auth {
		return startRegistry(t, "", "", nil)
	}
	return startRegistry(t, registryUser, registryPassword, func(dir string) string {
		auth, err := HtpasswdAuth(Tool(t, "htpasswd"), dir, registryUser, registryPassword)
		if err != nil {
			t.Fatal(err)
		}
		return auth
	})
}

// StartMountingRegistry starts docker-registry, under -short too, for the
// tests of cross-repository blob mounts, which go-containerregistry's
// in-process registry answers with an upload instead.
func StartMountingRegistry(t testing.TB) *Registry {
	t.Helper()
	return startRegistry(t, "", "", nil)
}

// StartTokenRegistry starts docker-registry with bearer-token auth, served by
// a TokenServer on another port of 127.0.0.1: anonymous pulls of public/...
// and, with User and Password, pulls and pushes of everything.
func StartTokenRegistry(t testing.TB) *Registry {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: docker-registry checks the bearer tokens, and -short starts no registry process")
	}
	tokens, err := NewTokenServer("goimage-test-registry", "token-user", "t0ken-Pa55")
	if err != nil {
		t.Fatal(err)
	}
	realm := httptest.NewServer(tokens)
	t.Cleanup(realm.Close)
	return startRegistry(t, tokens.User, tokens.Password, func(dir string) string {
		auth, err := tokens.RegistryAuth(dir, realm.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		return auth
	})
}

// startRegistry starts docker-registry with the auth section that auth
// writes (nil: none) and stops it when the test ends.
func startRegistry(t testing.TB, user, password string, auth func(dir string) string) *Registry {
	t.Helper()
	bin := Tool(t, "docker-registry")
	dir := t.TempDir()
	var section string
	if auth != nil {
		section = auth(dir)
	}
	p, err := LaunchRegistry(bin, dir, section)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Stop()
		if t.Failed() {
			t.Logf("docker-registry log:\n%s", p.Log())
		}
	})
	return &Registry{Host: p.Host, User: user, Password: password, log: p.Log}
}

// Push copies an image to repo in the registry with skopeo and returns its
// reference pinned by digest.
func (r *Registry) Push(t testing.TB, source, repo string) string {
	t.Helper()
	skopeo := Tool(t, "skopeo")
	dest := "docker://" + r.Host + "/" + repo
	args := []string{"copy", "--quiet", "--dest-tls-verify=false"}
	if r.User != "" {
		args = append(args, "--dest-creds", r.User+":"+r.Password)
	}
	digestFile := filepath.Join(t.TempDir(), "digest")
	args = append(args, "--digestfile", digestFile, source, dest)
	Run(t, skopeo, args...)
	digest, err := os.ReadFile(digestFile)
	if err != nil {
		t.Fatal(err)
	}
	name, _, _ := strings.Cut(repo, ":")
	return r.Host + "/" + name + "@" + strings.TrimSpace(string(digest))
}

func printLogOnFailure(t testing.TB, f *os.File) {
	defer f.Close()
	if !t.Failed() {
		return
	}
	if b, err := os.ReadFile(f.Name()); err == nil {
		t.Logf("docker-registry log:\n%s", b)
	}
}

// UseCredentialHelper points docker's config ($DOCKER_CONFIG) at a credential
// helper for r: a program docker-credential-NAME on PATH that prints r's user
// and password for r's host, as docker-credential-gcr or -ecr-login do, and
// fails for any other host.
func (r *Registry) UseCredentialHelper(t testing.TB) {
	t.Helper()
	const helperName = "goimagetest"
	bin := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\nread host\n[ \"$1\" = get ] && [ \"$host\" = %q ] || exit 1\necho '{\"Username\": %q, \"Secret\": %q}'\n",
		r.Host, r.User, r.Password)
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-"+helperName), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	useDockerConfig(t, fmt.Sprintf(`{"credHelpers": {%q: %q}}`, r.Host, helperName))
}

// UseDockerLogin points docker's config ($DOCKER_CONFIG) at a config.json
// that holds r's user with password for r's host, as `docker login` writes
// it (password is a parameter so that tests can log in with a wrong one).
func (r *Registry) UseDockerLogin(t testing.TB, password string) {
	t.Helper()
	auth := base64.StdEncoding.EncodeToString([]byte(r.User + ":" + password))
	useDockerConfig(t, fmt.Sprintf(`{"auths": {%q: {"auth": %q}}}`, r.Host, auth))
}

// useDockerConfig sets $DOCKER_CONFIG to a new folder whose config.json holds content.
func useDockerConfig(t testing.TB, content string) {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "config.json"), content)
	t.Setenv("DOCKER_CONFIG", dir)
}
