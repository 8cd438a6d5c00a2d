package layer

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodedCaps is a security.capability value read back.
type decodedCaps struct {
	Revision               uint32
	Effective              bool
	Permitted, Inheritable uint64
}

func decodeCaps(t *testing.T, b []byte) decodedCaps {
	t.Helper()
	if len(b) != 20 {
		t.Fatalf("security.capability is %d bytes, want 20 (vfs_cap_data revision 2): %x", len(b), b)
	}
	word := func(i int) uint32 { return binary.LittleEndian.Uint32(b[4*i:]) }
	return decodedCaps{
		Revision: word(0) &^ 1, Effective: word(0)&1 == 1,
		Permitted:   uint64(word(1)) | uint64(word(3))<<32,
		Inheritable: uint64(word(2)) | uint64(word(4))<<32,
	}
}

func TestFileCapabilities(t *testing.T) {
	const rev2, bind, admin, bpf = 0x02000000, 1 << 10, 1 << 12, 1 << 39
	for _, tc := range []struct {
		terms []string
		want  decodedCaps
	}{
		{[]string{"cap_net_bind_service"}, decodedCaps{Revision: rev2, Permitted: bind}},
		{[]string{"CAP_NET_BIND_SERVICE"}, decodedCaps{Revision: rev2, Permitted: bind}},
		{[]string{"net_bind_service", "NET_ADMIN"}, decodedCaps{Revision: rev2, Permitted: bind | admin}},
		{[]string{"10"}, decodedCaps{Revision: rev2, Permitted: bind}},
		{[]string{"bpf"}, decodedCaps{Revision: rev2, Permitted: bpf}},
		{[]string{"cap_net_bind_service+ep"}, decodedCaps{Revision: rev2, Effective: true, Permitted: bind}},
		{[]string{"net_bind_service,net_admin=pie"}, decodedCaps{Revision: rev2, Effective: true, Permitted: bind | admin, Inheritable: bind | admin}},
		{[]string{"net_bind_service,net_admin=p", "net_admin-p"}, decodedCaps{Revision: rev2, Permitted: bind}},
		{[]string{"bpf=ep", "bpf=p"}, decodedCaps{Revision: rev2, Permitted: bpf}},
		{[]string{"all"}, decodedCaps{Revision: rev2, Permitted: 1<<41 - 1}},
	} {
		b, err := FileCapabilities(tc.terms)
		if err != nil {
			t.Errorf("FileCapabilities(%q): %v", tc.terms, err)
			continue
		}
		if diff := cmp.Diff(tc.want, decodeCaps(t, b)); diff != "" {
			t.Errorf("FileCapabilities(%q) (-want +got):\n%s", tc.terms, diff)
		}
	}
	if b, err := FileCapabilities([]string{"bpf+p", "bpf-p"}); b != nil || err != nil {
		t.Errorf("capabilities that cancel out give %x, %v; want no attribute", b, err)
	}
}

func TestFileCapabilitiesRefusesUnknownNames(t *testing.T) {
	for _, term := range []string{"cap_net_bind", "net_bind_service,fly=ep", "64", "bpf+x"} {
		_, err := FileCapabilities([]string{"chown", term})
		if err == nil || !strings.Contains(err.Error(), term[strings.LastIndexAny(term, ",+")+1:]) {
			t.Errorf("FileCapabilities(%q) = %v; want an error naming it", term, err)
		}
	}
	_, err := FileCapabilities([]string{"cap_net_bind"})
	if err == nil || !strings.Contains(err.Error(), `unknown Linux capability "cap_net_bind"`) || !strings.Contains(err.Error(), "net_bind_service") {
		t.Errorf("an unknown name gives %v; want one naming it and listing the names", err)
	}
}

// The attribute is what setcap (libcap) writes for the same clause, read
// back from the file system.
func TestFileCapabilitiesAsSetcapWritesThem(t *testing.T) {
	setcap, err := exec.LookPath("setcap")
	if err != nil {
		t.Skip("this test needs setcap (apt-get install libcap2-bin)")
	}
	for _, clause := range []string{"cap_net_bind_service=p", "cap_net_bind_service+ep", "cap_chown,cap_bpf=eip", "cap_checkpoint_restore=i"} {
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, nil, 0o755)
		if out, err := exec.Command(setcap, clause, f).CombinedOutput(); err != nil {
			t.Skipf("setcap %s: %v: %s (needs CAP_SETFCAP)", clause, err, out)
		}
		want := make([]byte, 64)
		n, err := syscall.Getxattr(f, CapabilityXattr, want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FileCapabilities([]string{clause})
		if err != nil || !bytes.Equal(got, want[:n]) {
			t.Errorf("FileCapabilities(%q) = %x, %v; setcap wrote %x", clause, got, err, want[:n])
		}
	}
}

// A file entry's xattrs go into its tar header as SCHILY.xattr. records.
func TestBuildWritesXattrs(t *testing.T) {
	src := filepath.Join(t.TempDir(), "server")
	os.WriteFile(src, []byte("binary"), 0o755)
	caps, _ := FileCapabilities([]string{"cap_net_bind_service"})
	l, err := Build([]Entry{{Path: "/app/server", Kind: File, Source: src, Mode: 0o755, Xattrs: map[string][]byte{CapabilityXattr: caps}}},
		filepath.Join(t.TempDir(), "layer.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("no app/server in the layer: %v", err)
		}
		if hdr.Name != "app/server" {
			if len(hdr.PAXRecords) > 0 {
				t.Errorf("%s has PAX records %q", hdr.Name, hdr.PAXRecords)
			}
			continue
		}
		if got := hdr.PAXRecords["SCHILY.xattr.security.capability"]; got != string(caps) {
			t.Errorf("app/server has security.capability %x, want %x", got, caps)
		}
		return
	}
}
