package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Docker returns the docker command, or skips the test when the engine is
// not reachable.
func Docker(t testing.TB) string {
	t.Helper()
	docker := Tool(t, "docker")
	if _, err := RunErr(docker, "version"); err != nil {
		skipOrFail(t, "this test needs a running Docker engine: "+err.Error())
	}
	return docker
}

// UniqueName is an image name no other test or run uses, in the
// goimage-test-asm/ namespace.
func UniqueName(name string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "goimage-test-asm/" + name + ":" + hex.EncodeToString(b)
}

// baseSource is the program in the base image: a base with a program of its
// own, so a test can tell base layers and config from what the build adds.
const baseSource = `package main

import "fmt"

func main() { fmt.Println("hello from the base") }
`

// DockerBaseImage builds a small base image with `docker build` (FROM
// scratch: the engine has no images to start from): /bin/base-hello,
// /etc/passwd with a nonroot user, an environment, a label and a workdir. It
// returns the image's name and removes it when the test ends.
func DockerBaseImage(t testing.TB) string {
	t.Helper()
	docker := Docker(t)
	dir := t.TempDir()
	copyFile(t, GoBinary(t, baseSource, "linux", runtime.GOARCH), filepath.Join(dir, "base-hello"), 0o755)
	write(t, filepath.Join(dir, "passwd"), "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n")
	write(t, filepath.Join(dir, "Dockerfile"), strings.Join([]string{
		"FROM scratch",
		"COPY base-hello /bin/base-hello",
		"COPY passwd /etc/passwd",
		"ENV PATH=/bin BASE_ENV=from-base GREETING=from-base",
		"WORKDIR /home/nonroot",
		`LABEL org.example.base="yes"`,
		`CMD ["/bin/base-hello"]`,
	}, "\n")+"\n")
	name := UniqueName("base")
	Run(t, docker, "build", "-q", "-t", name, dir)
	t.Cleanup(func() { RunErr(docker, "rmi", "-f", name) })
	return name
}

// DockerSave writes image to a tarball with the engine's `docker save`.
func DockerSave(t testing.TB, image string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "saved.tar")
	Run(t, Docker(t), "save", "-o", out, image)
	return out
}

func copyFile(t testing.TB, src, dst string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, b, mode); err != nil {
		t.Fatal(err)
	}
}
