package build

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// The binary's security.capability is byte for byte what ko v0.19.1
// writes for the same linux_capabilities, in the binary's layer of a build
// and in a layer of Go binaries ('assembler layer --binary').
func TestCapabilitiesAsKoWritesThem(t *testing.T) {
	terms := []string{"cap_net_bind_service", "CAP_NET_ADMIN", "net_raw+ep"}
	fromKo := koCapabilities(t, terms)
	bin := testenv.HostBinary(t)
	xattrs, err := layer.CapabilityXattrs(terms)
	if err != nil {
		t.Fatal(err)
	}
	desc := prebuiltLayer(t, []layer.Entry{{Path: "/app/server", Kind: layer.File, Source: bin, Mode: 0o755, Xattrs: xattrs}}, []string{"/app/server"})
	l, _, err := layer.ReadDescriptor(desc)
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.LayerXattr(t, l, "app/server", layer.CapabilityXattr); got != fromKo {
		t.Errorf("a layer of the binary has security.capability %x; ko writes %x", got, fromKo)
	}
	r, layout := hostBuild(t)
	r.Binary.Capabilities = terms
	buildOK(t, r)
	layers, err := testenv.LayoutImage(t, layout).Layers()
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.LayerXattr(t, layers[len(layers)-1], "app/hello", layer.CapabilityXattr); got != fromKo {
		t.Errorf("the build wrote security.capability %x; ko writes %x", got, fromKo)
	}
}

// koCapabilities builds a program with ko, with linux_capabilities set to
// terms, and returns the security.capability of its binary.
func koCapabilities(t *testing.T, terms []string) string {
	t.Helper()
	ko, crane := testenv.Tool(t, "ko"), testenv.Tool(t, "crane")
	reg := testenv.StartRegistry(t, false)
	base := reg.Host + "/base/empty:v1"
	testenv.Run(t, crane, "push", "--insecure", testenv.PlatformlessTarball(t, "linux/"+hostArch()), base)
	digest := strings.TrimSpace(testenv.Run(t, crane, "mutate", "--insecure", base, "--set-platform", "linux/"+hostArch(), "-t", base))
	dir := t.TempDir()
	yaml := "builds:\n- id: caps\n  main: .\n  linux_capabilities:\n"
	for _, term := range terms {
		yaml += "  - " + term + "\n"
	}
	for name, content := range map[string]string{"go.mod": "module example.com/kocaps\n\ngo 1.21\n", "main.go": testenv.HelloSource, ".ko.yaml": yaml} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "ko.tar")
	cmd := exec.Command(ko, "build", "--push=false", "--tarball", out, "--sbom=none", "--platform", "linux/"+hostArch(), ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KO_DOCKER_REPO=registry.example.com/kocaps", "KO_DEFAULTBASEIMAGE="+digest, "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ko build: %v\n%s", err, b)
	}
	img, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	caps := testenv.LayerXattr(t, layers[len(layers)-1], "ko-app/kocaps", layer.CapabilityXattr)
	if caps == "" {
		t.Fatal("ko wrote no security.capability")
	}
	return caps
}

// capsSource prints the capability sets of its process.
const capsSource = `package main

import (
	"fmt"
	"os"
	"strings"
)

func main() {
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "CapPrm:") || strings.HasPrefix(line, "CapEff:") {
			fmt.Println(strings.Join(strings.Fields(line), " "))
		}
	}
}
`

// A container of the image runs its binary, as a user that is not root,
// with the capabilities the binary's file gives it: permitted, and
// effective too with +ep.
func TestCapabilitiesInContainer(t *testing.T) {
	docker := testenv.Docker(t)
	bin := testenv.GoBinary(t, capsSource, "linux", hostArch())
	for _, tc := range []struct {
		capability string
		want       string
	}{
		{"", "CapPrm: 0000000000000000\nCapEff: 0000000000000000"},
		{"cap_net_bind_service", "CapPrm: 0000000000000400\nCapEff: 0000000000000000"},
		{"cap_net_bind_service+ep", "CapPrm: 0000000000000400\nCapEff: 0000000000000400"},
	} {
		name := tc.capability
		if name == "" {
			name = "none"
		}
		t.Run(name, func(t *testing.T) {
			tag := testenv.UniqueName("caps")
			tar := filepath.Join(t.TempDir(), "image.tar")
			r := &Request{Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: bin}, Config: image.Config{User: "65532:65532"},
				Tags: []string{tag}, Outputs: Outputs{Tarball: tar}}
			if tc.capability != "" {
				r.Binary.Capabilities = []string{tc.capability}
			}
			buildOK(t, r)
			testenv.Run(t, docker, "load", "-i", tar)
			defer testenv.RunErr(docker, "rmi", "-f", tag)
			if got := strings.TrimSpace(testenv.Run(t, docker, "run", "--rm", tag)); got != tc.want {
				t.Errorf("the container printed\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
