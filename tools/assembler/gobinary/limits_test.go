package gobinary

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeBinary(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "app")
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// A binary needing more than MaxLibraries libraries is refused; one naming
// the same library over and over needs it once.
func TestReadDynamicBoundsLibraries(t *testing.T) {
	var strs bytes.Buffer
	strs.WriteByte(0)
	var offsets []uint64
	for i := 0; i <= MaxLibraries; i++ {
		offsets = append(offsets, uint64(strs.Len()))
		fmt.Fprintf(&strs, "lib%d.so\x00", i)
	}
	many := elfFile("/lib64/ld-linux-x86-64.so.2",
		testSection{Name: ".dynstr", Type: elf.SHT_STRTAB, Data: strs.Bytes()},
		testSection{Name: ".dynamic", Type: elf.SHT_DYNAMIC, Link: 1, Data: dynamicOf(offsets...)})
	_, err := ReadDynamic(writeBinary(t, many))
	if err == nil || !strings.Contains(err.Error(), "needs more than 1024 libraries") {
		t.Errorf("%d libraries: %v, want an error naming the limit", len(offsets), err)
	}
	ones := make([]uint64, 50000)
	for i := range ones {
		ones[i] = 1
	}
	loop := elfFile("/lib64/ld-linux-x86-64.so.2",
		testSection{Name: ".dynstr", Type: elf.SHT_STRTAB, Data: []byte("\x00libc.so.6\x00")},
		testSection{Name: ".dynamic", Type: elf.SHT_DYNAMIC, Link: 1, Data: dynamicOf(ones...)})
	d, err := ReadDynamic(writeBinary(t, loop))
	if err != nil || d == nil || strings.Join(d.Libraries, " ") != "libc.so.6" {
		t.Errorf("50,000 DT_NEEDED of libc.so.6: %+v, %v; want libc.so.6 once", d, err)
	}
}

// Sections whose headers claim more than the limits are refused before
// they are read: a dynamic section of a terabyte, a Go function table that
// would unpack (SHF_COMPRESSED) to one, a symbol table past the end of the
// file; and an interpreter longer than PATH_MAX.
func TestSectionsAreReadWithinLimits(t *testing.T) {
	chdr := make([]byte, 24) // Elf64_Chdr: zlib, a terabyte unpacked
	binary.LittleEndian.PutUint32(chdr, uint32(elf.COMPRESS_ZLIB))
	binary.LittleEndian.PutUint64(chdr[8:], 1<<40)
	chdr = append(chdr, 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01)
	for _, tc := range []struct {
		name   string
		file   []byte
		read   func(string) error
		errHas string
	}{
		{"huge dynamic section", elfFile("/lib/ld.so",
			testSection{Name: ".dynstr", Type: elf.SHT_STRTAB, Data: []byte("\x00")},
			testSection{Name: ".dynamic", Type: elf.SHT_DYNAMIC, Link: 1, Data: dynamicOf(), Size: 1 << 40}),
			readDynamic, "dynamic section (section .dynamic) is 1099511627776 bytes, more than the 1048576"},
		{"compressed function table", elfFile("",
			testSection{Name: ".gopclntab", Type: elf.SHT_PROGBITS, Flags: elf.SHF_COMPRESSED, Data: chdr}),
			readUses, "Go function table (section .gopclntab) is 1099511627776 bytes, more than the 268435456"},
		{"symbol table past the end", elfFile("",
			testSection{Name: ".strtab", Type: elf.SHT_STRTAB, Data: []byte("\x00runtime.main\x00")},
			testSection{Name: ".symtab", Type: elf.SHT_SYMTAB, Link: 1, Data: make([]byte, 48), Size: 1 << 20}),
			readUses, "symbol table (section .symtab)"},
		{"long interpreter", elfFile(strings.Repeat("/lib", 2000)), readDynamic, "names an interpreter longer than 4096 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(writeBinary(t, tc.file))
			if err == nil || !strings.Contains(err.Error(), tc.errHas) || !strings.Contains(err.Error(), "rebuild it") {
				t.Errorf("got %v, want an error saying %q and what to do", err, tc.errHas)
			}
		})
	}
}

func readDynamic(p string) error { _, err := ReadDynamic(p); return err }
func readUses(p string) error    { _, err := ReadUses(p); return err }

// A function table whose every function names a different place in one
// long name without an end is read with each name cut at maxNameBytes:
// debug/gosym would copy each to the end of the table, some 40 GB here.
func TestReadUsesBoundsFunctionNames(t *testing.T) {
	const nfunc = 200000
	names := append([]byte("crypto/x509.Verify\x00"), bytes.Repeat([]byte("a"), 480000)...) // then no NUL
	var tab bytes.Buffer
	le := binary.LittleEndian
	header := []uint64{nfunc, 0, 0, 0, 0, 0, 0, 0}
	tab.Write([]byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8})
	headerLen := 8 + 8*len(header)
	header[3] = uint64(headerLen)              // funcnameOffset
	header[7] = uint64(headerLen + len(names)) // pclnOffset
	binary.Write(&tab, le, header)
	tab.Write(names)
	funcs := 8 * (nfunc + 1)
	for i := 0; i < nfunc; i++ {
		binary.Write(&tab, le, [2]uint32{uint32(i), uint32(funcs + 8*i)})
	}
	binary.Write(&tab, le, [2]uint32{nfunc, 0})
	binary.Write(&tab, le, [2]uint32{0, 0})
	for i := 1; i < nfunc; i++ {
		binary.Write(&tab, le, [2]uint32{uint32(i), uint32(19 + i*2)}) // entryOff, nameOff
	}
	u, err := ReadUses(writeBinary(t, elfFile("", testSection{Name: ".gopclntab", Type: elf.SHT_PROGBITS, Data: tab.Bytes()})))
	if err != nil || u == nil || !u.X509 {
		t.Errorf("got %+v, %v; want the table read, X509 used", u, err)
	}
}
