package fsindex

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"encoding/json"
	"os"
	"runtime"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// thisBinary is the test's own executable: a real ELF file of the host's
// architecture.
func thisBinary(t *testing.T) ([]byte, platform.ELF) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the test's binary is not an ELF file")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return b, platform.ELF{Machine: f.Machine, Class: f.Class, Data: f.Data}
}

func tarOf(t *testing.T, entries ...*tar.Header) func(contents ...[]byte) *Layer {
	return func(contents ...[]byte) *Layer {
		t.Helper()
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for i, hdr := range entries {
			hdr.Size = int64(len(contents[i]))
			if err := tw.WriteHeader(hdr); err != nil {
				t.Fatal(err)
			}
			tw.Write(contents[i])
		}
		tw.Close()
		l, err := ReadLayer(&b)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
}

// The ELF header of each executable and shared library is read from its
// first bytes; scripts, short files and object files have none.
func TestLayerRecordsELFHeaders(t *testing.T) {
	exe, want := thisBinary(t)
	object := append([]byte(nil), exe[:64]...)
	object[16], object[17] = byte(elf.ET_REL), 0 // little endian: the hosts Go tests run on
	if want.Data != elf.ELFDATA2LSB {
		t.Skip("the object file below is written little endian")
	}
	l := tarOf(t,
		&tar.Header{Name: "usr/bin/tool", Typeflag: tar.TypeReg, Mode: 0o755},
		&tar.Header{Name: "usr/lib/libtool.so", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "usr/bin/script", Typeflag: tar.TypeReg, Mode: 0o755},
		&tar.Header{Name: "etc/short", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "usr/lib/tool.o", Typeflag: tar.TypeReg, Mode: 0o644},
		&tar.Header{Name: "etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644},
	)(exe, exe, []byte("#!/bin/sh\necho this is a script, not a binary\n"), exe[:19], object,
		[]byte("root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"))
	wantELF := map[string]platform.ELF{"/usr/bin/tool": want, "/usr/lib/libtool.so": want}
	if len(l.ELF) != len(wantELF) || l.ELF["/usr/bin/tool"] != want || l.ELF["/usr/lib/libtool.so"] != want {
		t.Errorf("ELF = %v, want %v", l.ELF, wantELF)
	}
	// The accounts file is read whole, its first bytes included.
	if l.Users["root"] != "0:0" || l.Users["nonroot"] != "65532:65532" {
		t.Errorf("users %v, want root and nonroot", l.Users)
	}
}

// The index keeps the header of the file a path holds at the top: a later
// layer's file replaces it, a whiteout removes it, and it reads back from
// the index's JSON.
func TestIndexKeepsTheTopFilesELFHeader(t *testing.T) {
	exe, want := thisBinary(t)
	x := New()
	x.Apply(tarOf(t,
		&tar.Header{Name: "bin/a", Typeflag: tar.TypeReg, Mode: 0o755},
		&tar.Header{Name: "bin/b", Typeflag: tar.TypeReg, Mode: 0o755},
		&tar.Header{Name: "bin/c", Typeflag: tar.TypeReg, Mode: 0o755},
	)(exe, exe, exe))
	x.Apply(tarOf(t,
		&tar.Header{Name: "bin/a", Typeflag: tar.TypeReg, Mode: 0o755},
		&tar.Header{Name: "bin/.wh.b", Typeflag: tar.TypeReg},
	)([]byte("#!/bin/sh\nexit 0\n"), nil))
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	y := New()
	if err := json.Unmarshal(b, y); err != nil {
		t.Fatal(err)
	}
	if len(y.ELF) != 1 || y.ELF["/bin/c"] != want {
		t.Errorf("ELF = %v, want only /bin/c: %v (%s)", y.ELF, want, b)
	}
}
