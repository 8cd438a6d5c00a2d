package fsindex

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"encoding/binary"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// elfHeaderSize is how much of a file readELF reads: e_ident, e_type and
// e_machine, the first 20 bytes of every ELF file, 32 or 64 bits.
const elfHeaderSize = 20

// ContentRead is how many bytes of the content of the entry hdr Add
// reads, so that a writer that has the content only as it writes it keeps
// that much: all of /etc/passwd and /etc/group, the ELF header of other
// regular files, nothing of other entries.
func ContentRead(hdr *tar.Header) int64 {
	switch {
	case hdr.Typeflag != tar.TypeReg: // tar.Reader reads the old TypeRegA as TypeReg
		return 0
	case readsAccounts(hdr):
		return hdr.Size
	case hdr.Size >= elfHeaderSize:
		return elfHeaderSize
	}
	return 0
}

// readHead reads the first bytes of a regular file's content: its ELF
// header, if it is an executable or a shared library, is recorded. It
// returns the content as it was, the bytes read first.
func (l *Layer) readHead(p string, hdr *tar.Header, content io.Reader) (io.Reader, error) {
	if ContentRead(hdr) < elfHeaderSize {
		return content, nil
	}
	head := make([]byte, elfHeaderSize)
	n, err := io.ReadFull(content, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	head = head[:n]
	if e, ok := readELF(head); ok {
		if l.ELF == nil {
			l.ELF = map[string]platform.ELF{}
		}
		l.ELF[p] = e
	}
	return io.MultiReader(bytes.NewReader(head), content), nil
}

// readELF reads the machine, class and byte order of an ELF executable or
// shared library from its first bytes; false for any other file (an
// object file or a core dump runs nowhere).
func readELF(b []byte) (platform.ELF, bool) {
	if len(b) < elfHeaderSize || string(b[:4]) != elf.ELFMAG {
		return platform.ELF{}, false
	}
	class, data := elf.Class(b[elf.EI_CLASS]), elf.Data(b[elf.EI_DATA])
	var order binary.ByteOrder
	switch data {
	case elf.ELFDATA2LSB:
		order = binary.LittleEndian
	case elf.ELFDATA2MSB:
		order = binary.BigEndian
	default:
		return platform.ELF{}, false
	}
	if class != elf.ELFCLASS32 && class != elf.ELFCLASS64 {
		return platform.ELF{}, false
	}
	if t := elf.Type(order.Uint16(b[16:])); t != elf.ET_EXEC && t != elf.ET_DYN {
		return platform.ELF{}, false
	}
	return platform.ELF{Machine: elf.Machine(order.Uint16(b[18:])), Class: class, Data: data}, true
}
