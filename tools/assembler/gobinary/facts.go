package gobinary

import (
	"debug/elf"
	"debug/gosym"
	"fmt"
)

// Facts is what the checks of an image need to know of one of its
// binaries, read once where the binary enters a layer and kept in the
// layer's descriptor.
type Facts struct {
	// Dynamic is what a dynamically linked binary needs from the image;
	// nil for a static binary.
	Dynamic *Dynamic `json:"dynamic,omitempty"`
	// Go is what a Go binary's code reads from the image; nil when the
	// binary is not Go, or its function table cannot be read.
	Go *Uses `json:"go,omitempty"`
}

// Uses is what a Go binary may read from the file system it runs on, as
// the functions linked into it show: the linker drops every function that
// nothing calls, so a function in the binary is one its program may call.
type Uses struct {
	// X509 is set when it links crypto/x509, which reads the system's CA
	// certificates to verify TLS peers.
	X509 bool `json:"x509,omitempty"`
	// X509Fallback is set when it links golang.org/x/crypto/x509roots/fallback,
	// whose embedded roots crypto/x509 takes when the system has none.
	X509Fallback bool `json:"x509Fallback,omitempty"`
	// LoadLocation is set when it calls time.LoadLocation, which reads the
	// system's time zone database.
	LoadLocation bool `json:"loadLocation,omitempty"`
	// TZData is set when it embeds the time zone database (package
	// time/tzdata, or -tags timetzdata), which LoadLocation falls back to.
	TZData bool `json:"tzdata,omitempty"`
}

// ReadFacts reads the facts of the ELF binary at path.
func ReadFacts(path string) (*Facts, error) {
	d, err := ReadDynamic(path)
	if err != nil {
		return nil, err
	}
	u, err := ReadUses(path)
	if err != nil {
		return nil, err
	}
	return &Facts{Dynamic: d, Go: u}, nil
}

// ReadUses reads what the Go binary at path uses from the names of its
// functions; nil for a binary that is not Go.
func ReadUses(path string) (*Uses, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading ELF binary %s: %w", path, err)
	}
	defer f.Close()
	u, err := pclntabUses(path, f)
	if u != nil || err != nil {
		return u, err
	}
	return symtabUses(path, f)
}

// note records what linking the function name says.
func (u *Uses) note(name string) {
	switch (&gosym.Sym{Name: name}).PackageName() {
	case "crypto/x509":
		u.X509 = true
	case "golang.org/x/crypto/x509roots/fallback":
		u.X509Fallback = true
	case "time/tzdata":
		u.TZData = true
	case "time":
		u.LoadLocation = u.LoadLocation || name == "time.LoadLocation"
	}
}

// symtabUses reads what a Go binary uses from the function names of its
// ELF symbol table, for a Go binary whose function table is not where
// pclntabUses looks; nil unless the table has Go's runtime.main. The
// table is read here, not with (*elf.File).Symbols, for the same reason
// as the function table.
func symtabUses(path string, f *elf.File) (*Uses, error) {
	symtab := f.SectionByType(elf.SHT_SYMTAB)
	if symtab == nil || symtab.Link == 0 || int(symtab.Link) >= len(f.Sections) {
		return nil, nil
	}
	syms, err := sectionData(path, symtab, "symbol table", MaxTableBytes)
	if err != nil {
		return nil, err
	}
	strs, err := sectionData(path, f.Sections[symtab.Link], "symbol names", MaxTableBytes)
	if err != nil {
		return nil, err
	}
	// Elf32_Sym and Elf64_Sym: the name's offset first; st_info at 12 or 4.
	size, info := 16, 12
	if f.Class == elf.ELFCLASS64 {
		size, info = 24, 4
	}
	u, goBinary := &Uses{}, false
	for ; len(syms) >= size; syms = syms[size:] {
		if elf.ST_TYPE(syms[info]) != elf.STT_FUNC {
			continue
		}
		name, _ := cString(strs, uint64(f.ByteOrder.Uint32(syms)))
		u.note(name)
		goBinary = goBinary || name == "runtime.main"
	}
	if !goBinary {
		return nil, nil
	}
	return u, nil
}
