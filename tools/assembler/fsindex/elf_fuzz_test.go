package fsindex

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"io"
	"testing"
)

// FuzzELFHead feeds any bytes as the content of a file of a layer: Add
// reads at most the ELF header's first bytes, gives back the content as it
// was, and records an ELF file only with the machine, class and byte order
// its header gives. The seeds (testdata/fuzz/FuzzELFHead) are the first
// bytes of Go binaries for 64- and 32-bit, little- and big-endian targets,
// of a C program, and of files that have the ELF magic and are not ELF.
func FuzzELFHead(f *testing.F) {
	f.Add([]byte("\x7fELF"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l := &Layer{}
		hdr := &tar.Header{Name: "usr/bin/app", Typeflag: tar.TypeReg, Size: int64(len(data))}
		var read countingReader
		read.r = bytes.NewReader(data)
		if err := l.Add(hdr, &read); err != nil {
			t.Fatal(err)
		}
		if read.n > elfHeaderSize {
			t.Errorf("read %d bytes of the file, more than its ELF header's %d", read.n, elfHeaderSize)
		}
		e, ok := l.ELF["/usr/bin/app"]
		if !ok {
			return
		}
		order := map[elf.Data]binary.ByteOrder{elf.ELFDATA2LSB: binary.LittleEndian, elf.ELFDATA2MSB: binary.BigEndian}[e.Data]
		if len(data) < elfHeaderSize || order == nil || e.Machine != elf.Machine(order.Uint16(data[18:])) || e.Class != elf.Class(data[elf.EI_CLASS]) {
			t.Errorf("recorded %+v for a file starting %q", e, data[:min(len(data), elfHeaderSize)])
		}
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
