package gobinary

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// FuzzELF feeds any bytes as an image's binary to every check that reads
// one: its kind, ELF header and build info (Check), its interpreter and
// libraries (ReadDynamic), its Go function table or symbol table
// (ReadUses). Errors are expected; a panic, a hang or a huge allocation
// is the bug. The seeds (testdata/fuzz/FuzzELF) are real binaries cut
// short and files made to break each limit; TestWriteELFSeeds wrote them.
func FuzzELF(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "app")
		os.WriteFile(path, data, 0o755)
		for _, arch := range []string{"amd64", "arm64", "386", "s390x"} {
			if err := Check(path, v1.Platform{OS: "linux", Architecture: arch}); err != nil && err.Error() == "" {
				t.Error("an error without a message")
			}
		}
		facts, err := ReadFacts(path)
		if err != nil {
			return
		}
		if facts.Dynamic != nil && len(facts.Dynamic.Libraries) > MaxLibraries {
			t.Errorf("%d libraries read, more than the limit", len(facts.Dynamic.Libraries))
		}
	})
}

// TestWriteELFSeeds writes the seed corpus of FuzzELF when
// GOIMAGE_WRITE_FUZZ_SEEDS=1: the first bytes of Go binaries built for
// 64- and 32-bit, little- and big-endian targets and of a C program, which
// the fuzzer mutates into damaged headers, and whole small files that each
// reach one check and its limits.
func TestWriteELFSeeds(t *testing.T) {
	if os.Getenv("GOIMAGE_WRITE_FUZZ_SEEDS") != "1" {
		t.Skip("set GOIMAGE_WRITE_FUZZ_SEEDS=1 to write testdata/fuzz/FuzzELF")
	}
	seeds := map[string][]byte{}
	for _, arch := range []string{"amd64", "386", "arm64", "mips", "s390x"} {
		b, err := os.ReadFile(goProgramFor(t, arch, plainSource, "-ldflags=-s -w"))
		if err != nil {
			t.Fatal(err)
		}
		seeds["go-"+arch+"-head"] = headAndSections(t, b, 2048)
	}
	seeds["c-program-head"] = headAndSections(t, cProgram(t), 2048)
	seeds["elf-magic-then-text"] = []byte("\x7fELF is how an ELF file starts, but this is text\n")
	seeds["elf-magic-then-script"] = []byte("\x7fELF\x02\x01\x01\x00#!/bin/sh\necho hi\n")
	for name, b := range elfSeeds() {
		seeds[name] = b
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzELF")
	os.MkdirAll(dir, 0o755)
	for name, b := range seeds {
		if err := os.WriteFile(filepath.Join(dir, name), fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// headAndSections is the ELF file b cut to its first n bytes, then its
// section headers and their names: a binary that opens, whose sections
// lie past its end.
func headAndSections(t *testing.T, b []byte, n int) []byte {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Elf64_Ehdr's e_shoff, e_shentsize and e_shstrndx, or Elf32_Ehdr's.
	shoff, shentsize, shstrndx := 0x28, 64, int(f.ByteOrder.Uint16(b[0x3e:]))
	if f.Class == elf.ELFCLASS32 {
		shoff, shentsize, shstrndx = 0x20, 40, int(f.ByteOrder.Uint16(b[0x32:]))
	}
	names := f.Sections[shstrndx]
	out := append(append([]byte(nil), b[:n]...), b[names.Offset:names.Offset+names.Size]...)
	start := int(f.ByteOrder.Uint32(b[shoff:])) // the files here are small
	if f.Class == elf.ELFCLASS64 {
		start = int(f.ByteOrder.Uint64(b[shoff:]))
	}
	headers := append([]byte(nil), b[start:start+shentsize*len(f.Sections)]...)
	named := headers[shentsize*shstrndx:]
	if f.Class == elf.ELFCLASS64 {
		f.ByteOrder.PutUint64(out[shoff:], uint64(len(out)))
		f.ByteOrder.PutUint64(named[0x18:], uint64(n)) // sh_offset
	} else {
		f.ByteOrder.PutUint32(out[shoff:], uint32(len(out)))
		f.ByteOrder.PutUint32(named[0x10:], uint32(n))
	}
	return append(out, headers...)
}

func cProgram(t *testing.T) []byte {
	dir := t.TempDir()
	src := filepath.Join(dir, "hello.c")
	os.WriteFile(src, []byte("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n"), 0o644)
	bin := filepath.Join(dir, "hello")
	if b, err := exec.Command(testenv.Tool(t, "gcc"), "-Os", "-s", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, b)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// elfSeeds are small ELF files that each reach one reader: odd
// interpreters, long and looping DT_NEEDED lists, a Go function table and
// a symbol table naming the functions the checks look for.
func elfSeeds() map[string][]byte {
	dynstr := []byte("\x00libc.so.6\x00libpthread.so.0\x00")
	needed := func(offsets ...uint64) []testSection {
		return []testSection{
			{Name: ".dynstr", Type: elf.SHT_STRTAB, Data: dynstr},
			{Name: ".dynamic", Type: elf.SHT_DYNAMIC, Link: 1, Data: dynamicOf(offsets...)},
		}
	}
	loop := make([]uint64, 64)
	for i := range loop {
		loop[i] = 1
	}
	funcs := []string{"runtime.main", "crypto/x509.(*Certificate).Verify", "time.LoadLocation", "time/tzdata.init"}
	return map[string][]byte{
		"interpreter-glibc":       elfFile("/lib64/ld-linux-x86-64.so.2\x00", needed(1, 11)...),
		"interpreter-no-nul":      elfFile("/lib/ld-musl-x86_64.so.1", needed(1)...),
		"interpreter-nuls-inside": elfFile("/lib\x00/ld\x00\x00", needed(0)...),
		"needed-loop":             elfFile("/lib/ld.so", needed(loop...)...),
		"needed-past-strings":     elfFile("/lib/ld.so", needed(1, 1<<30)...),
		"dynamic-without-strings": elfFile("/lib/ld.so", testSection{Name: ".dynamic", Type: elf.SHT_DYNAMIC, Data: dynamicOf(1)}),
		"dynamic-claims-terabyte": elfFile("/lib/ld.so", testSection{Name: ".dynamic", Type: elf.SHT_DYNAMIC, Data: dynamicOf(1), Size: 1 << 40}),
		"pclntab-go120":           elfFile("", testSection{Name: ".gopclntab", Type: elf.SHT_PROGBITS, Data: pclntabOf(funcs)}),
		"pclntab-nobits":          elfFile("", testSection{Name: ".gopclntab", Type: elf.SHT_NOBITS, Size: 1 << 30}),
		"symtab-go":               elfFile("", symtabOf(funcs)...),
		"symtab-names-past-the-end": elfFile("", testSection{Name: ".strtab", Type: elf.SHT_STRTAB, Data: []byte("\x00runtime.main")},
			testSection{Name: ".symtab", Type: elf.SHT_SYMTAB, Link: 1, Data: symbolsAt(1, 1, 99)}),
	}
}

// pclntabOf is a Go 1.20 function table of 64-bit little-endian form
// holding functions of the names given.
func pclntabOf(names []string) []byte {
	var strs bytes.Buffer
	var nameOffs []uint32
	for _, n := range names {
		nameOffs = append(nameOffs, uint32(strs.Len()))
		strs.WriteString(n + "\x00")
	}
	le := binary.LittleEndian
	nfunc := len(names)
	headerLen := 8 + 8*8
	header := []uint64{uint64(nfunc), 0, 0, uint64(headerLen), 0, 0, 0, uint64(headerLen + strs.Len())}
	var tab bytes.Buffer
	tab.Write([]byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8})
	binary.Write(&tab, le, header)
	tab.Write(strs.Bytes())
	funcs := 8 * (nfunc + 1)
	for i := 0; i < nfunc; i++ {
		binary.Write(&tab, le, [2]uint32{uint32(i), uint32(funcs + 8*i)})
	}
	binary.Write(&tab, le, [2]uint32{uint32(nfunc), 0})
	for i := 0; i < nfunc; i++ {
		binary.Write(&tab, le, [2]uint32{uint32(i), nameOffs[i]})
	}
	return tab.Bytes()
}

// symtabOf is a .strtab and a .symtab of function symbols of the names given.
func symtabOf(names []string) []testSection {
	strs := "\x00" + strings.Join(names, "\x00") + "\x00"
	var offs []uint32
	off := uint32(1)
	for _, n := range names {
		offs = append(offs, off)
		off += uint32(len(n)) + 1
	}
	return []testSection{
		{Name: ".strtab", Type: elf.SHT_STRTAB, Data: []byte(strs)},
		{Name: ".symtab", Type: elf.SHT_SYMTAB, Link: 1, Data: symbolsAt(offs...)},
	}
}

// symbolsAt is a 64-bit symbol table of functions whose names are at the
// offsets given, after the null symbol.
func symbolsAt(offs ...uint32) []byte {
	b := make([]byte, 24*(len(offs)+1))
	for i, off := range offs {
		sym := b[24*(i+1):]
		binary.LittleEndian.PutUint32(sym, off)
		sym[4] = byte(elf.STT_FUNC)
	}
	return b
}

// The seeds cut from real binaries open as ELF files, and the checks that
// read their sections, which lie past the end, refuse them as cut short.
func TestELFSeedsOfRealBinaries(t *testing.T) {
	for _, name := range []string{"go-amd64-head", "go-386-head", "go-arm64-head", "go-mips-head", "go-s390x-head"} {
		b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzELF", name))
		if err != nil {
			t.Fatal(err)
		}
		_, quoted, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
		data, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(quoted, "[]byte("), ")"))
		if err != nil {
			t.Fatal(err)
		}
		path := writeBinary(t, []byte(data))
		if _, err := ReadUses(path); err == nil || !strings.Contains(err.Error(), "ends past the end of the file") {
			t.Errorf("%s: ReadUses: %v, want the function table refused as cut short", name, err)
		}
	}
}
