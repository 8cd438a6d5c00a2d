package cli

import (
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// 'assembler layer --binary --capability' gives each binary the extended
// attribute the capabilities name (package build tests it against ko's).
func TestLayerCapabilities(t *testing.T) {
	terms := []string{"cap_net_bind_service", "CAP_NET_ADMIN", "net_raw+ep"}
	want, err := layer.CapabilityXattrs(terms)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"layer", "--binary", testenv.HostBinary(t) + "=/app/server", "--platform", "linux/" + hostArch()}
	for _, term := range terms {
		args = append(args, "--capability", term)
	}
	dir := t.TempDir()
	descriptor := filepath.Join(dir, "layer.json")
	runOK(t, append(args, "--output", filepath.Join(dir, "layer.tar.gz"), "--descriptor", descriptor)...)
	l, _, err := layer.ReadDescriptor(descriptor)
	if err != nil {
		t.Fatal(err)
	}
	if got := testenv.LayerXattr(t, l, "app/server", layer.CapabilityXattr); got != string(want[layer.CapabilityXattr]) {
		t.Errorf("assembler layer wrote security.capability %x, want %x", got, want[layer.CapabilityXattr])
	}
}

func TestCapabilityFlagErrors(t *testing.T) {
	dir := t.TempDir()
	bin := testenv.HostBinary(t)
	_, err := runErr("build", "--base", "scratch", "--binary", bin, "--capability", "cap_net_bind", "--layout", filepath.Join(dir, "layout"))
	wantError(t, err, `unknown Linux capability "cap_net_bind"`, "net_bind_service")
	_, err = runErr("layer", "--binary", bin+"=/app/server", "--platform", "linux/"+hostArch(), "--capability", "net_bind_service=px",
		"--output", filepath.Join(dir, "l.tar.gz"), "--descriptor", filepath.Join(dir, "l.json"))
	wantError(t, err, `"net_bind_service=px"`, "'x' is not an operator")
	_, err = runErr("layer", "--file", bin+"=/app/server", "--capability", "net_bind_service",
		"--output", filepath.Join(dir, "l.tar.gz"), "--descriptor", filepath.Join(dir, "l.json"))
	wantError(t, err, "--capability gives capabilities to each --binary")
	wantNoFiles(t, dir)
}
