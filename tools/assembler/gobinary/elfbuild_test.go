package gobinary

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// testSection is a section of a test ELF file; Size, when set, is what its
// header claims instead of len(Data).
type testSection struct {
	Name  string
	Type  elf.SectionType
	Flags elf.SectionFlag
	Link  uint32
	Data  []byte
	Size  uint64
}

// elfFile writes a little-endian 64-bit ELF executable for amd64 with the
// sections given after the null one (so the first is section 1), and a
// PT_INTERP program header naming interp unless it is "". The checks'
// limits are tested on files it makes, since no linker makes them.
func elfFile(interp string, sections ...testSection) []byte {
	le := binary.LittleEndian
	var body bytes.Buffer
	nph := 0
	if interp != "" {
		nph = 1
	}
	dataStart := 64 + 56*nph
	offsets := make([]int, len(sections))
	interpOff := dataStart
	body.WriteString(interp)
	for i, s := range sections {
		offsets[i] = dataStart + body.Len()
		body.Write(s.Data)
	}
	shstrtab := []byte{0}
	nameOff := make([]int, len(sections)+1)
	for i, s := range append(sections, testSection{Name: ".shstrtab"}) {
		nameOff[i] = len(shstrtab)
		shstrtab = append(append(shstrtab, s.Name...), 0)
	}
	shstrOff := dataStart + body.Len()
	body.Write(shstrtab)
	shoff := dataStart + body.Len()

	var out bytes.Buffer
	ident := [16]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1}
	out.Write(ident[:])
	w := func(v any) { binary.Write(&out, le, v) }
	w(uint16(elf.ET_EXEC))
	w(uint16(elf.EM_X86_64))
	w(uint32(1))
	w(uint64(0x400000))          // entry
	w(uint64(64 * min(nph, 1)))  // phoff
	w(uint64(shoff))             // shoff
	w(uint32(0))                 // flags
	w(uint16(64))                // ehsize
	w(uint16(56))                // phentsize
	w(uint16(nph))               // phnum
	w(uint16(64))                // shentsize
	w(uint16(len(sections) + 2)) // shnum: null, sections, .shstrtab
	w(uint16(len(sections) + 1)) // shstrndx
	if interp != "" {
		w(uint32(elf.PT_INTERP))
		w(uint32(elf.PF_R))
		w(uint64(interpOff))
		w(uint64(0))
		w(uint64(0))
		w(uint64(len(interp)))
		w(uint64(len(interp)))
		w(uint64(1))
	}
	out.Write(body.Bytes())
	out.Write(make([]byte, 64)) // the null section
	header := func(name int, typ elf.SectionType, flags elf.SectionFlag, off int, size uint64, link uint32) {
		w(uint32(name))
		w(uint32(typ))
		w(uint64(flags))
		w(uint64(0)) // addr
		w(uint64(off))
		w(size)
		w(link)
		w(uint32(0)) // info
		w(uint64(1)) // addralign
		w(uint64(0)) // entsize
	}
	for i, s := range sections {
		size := s.Size
		if size == 0 {
			size = uint64(len(s.Data))
		}
		header(nameOff[i], s.Type, s.Flags, offsets[i], size, s.Link)
	}
	header(nameOff[len(sections)], elf.SHT_STRTAB, 0, shstrOff, uint64(len(shstrtab)), 0)
	return out.Bytes()
}

// dynamicOf is a 64-bit little-endian dynamic section of DT_NEEDED entries
// at the given string offsets, ended by DT_NULL.
func dynamicOf(offsets ...uint64) []byte {
	var b bytes.Buffer
	for _, off := range offsets {
		binary.Write(&b, binary.LittleEndian, [2]uint64{uint64(elf.DT_NEEDED), off})
	}
	binary.Write(&b, binary.LittleEndian, [2]uint64{0, 0})
	return b.Bytes()
}
