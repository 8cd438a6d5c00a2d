package gobinary

import (
	"debug/elf"
	"encoding/binary"
)

// pclntabMagics are the first bytes of the Go function tables of Go 1.18
// to 1.19 and of Go 1.20 on, whose layout pclntabUses reads. Older tables
// (Go 1.17 and before, long out of support) are not read: their binaries
// pass as their symbol table, if they kept one, shows them.
var pclntabMagics = []uint32{0xfffffff0, 0xfffffff1}

// pclntabUses reads what a Go binary uses from the function names of its
// function table (the runtime's pcHeader, functab and _func records), which
// every Go binary keeps, even one stripped of its symbols (-ldflags=-s);
// nil without one, or with one it cannot read. It reads the table itself,
// not with debug/gosym, which copies every name to the end of its table and
// so may take time and memory quadratic in a hostile table's size.
func pclntabUses(path string, f *elf.File) (*Uses, error) {
	// PIE binaries linked by some toolchains keep it in a relro section.
	sect := f.Section(".gopclntab")
	if sect == nil {
		sect = f.Section(".data.rel.ro.gopclntab")
	}
	data, err := sectionData(path, sect, "Go function table", MaxTableBytes)
	if err != nil || data == nil {
		return nil, err
	}
	t, ok := newPclntab(data)
	if !ok {
		return nil, nil
	}
	u := &Uses{}
	for i := uint64(0); i < t.nfunc; i++ {
		name, ok := t.funcName(i)
		if !ok {
			return nil, nil
		}
		u.note(name)
	}
	return u, nil
}

// pclntab is the part of a Go 1.18+ function table that holds the
// functions' names.
type pclntab struct {
	order     binary.ByteOrder
	nfunc     uint64
	funcnames []byte // funcnametab
	functab   []byte // pairs of 32-bit entry and _func offsets, then _func records
}

func newPclntab(data []byte) (*pclntab, bool) {
	if len(data) < 8 {
		return nil, false
	}
	t := &pclntab{}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, m := range pclntabMagics {
			if order.Uint32(data) == m {
				t.order = order
			}
		}
	}
	ptrSize := uint64(data[7])
	if t.order == nil || data[4] != 0 || data[5] != 0 || (ptrSize != 4 && ptrSize != 8) {
		return nil, false
	}
	// The header's words: nfunc, nfiles, textStart, funcnameOffset,
	// cuOffset, filetabOffset, pctabOffset, pclnOffset.
	word := func(i uint64) (uint64, bool) {
		off := 8 + i*ptrSize
		if off+ptrSize > uint64(len(data)) {
			return 0, false
		}
		if ptrSize == 4 {
			return uint64(t.order.Uint32(data[off:])), true
		}
		return t.order.Uint64(data[off:]), true
	}
	nfunc, ok1 := word(0)
	names, ok2 := word(3)
	pcln, ok3 := word(7)
	if !ok1 || !ok2 || !ok3 || names > uint64(len(data)) || pcln > uint64(len(data)) {
		return nil, false
	}
	t.nfunc, t.funcnames, t.functab = nfunc, data[names:], data[pcln:]
	// Each function has an 8-byte functab entry: a count the table
	// cannot hold is a damaged table, refused before any loop over it.
	if nfunc > uint64(len(t.functab))/8 {
		return nil, false
	}
	return t, true
}

// funcName is the name of function i, up to maxNameBytes: its functab
// entry leads to its _func record, whose second word is the name's offset.
func (t *pclntab) funcName(i uint64) (string, bool) {
	funcOff := uint64(t.order.Uint32(t.functab[8*i+4:]))
	if funcOff+8 > uint64(len(t.functab)) {
		return "", false
	}
	nameOff := uint64(t.order.Uint32(t.functab[funcOff+4:]))
	name, _ := cString(t.funcnames, nameOff)
	return name, nameOff < uint64(len(t.funcnames))
}
