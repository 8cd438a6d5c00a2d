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
	names := pclntabFuncs(f)
	if names == nil {
		names = symtabFuncs(f)
	}
	if names == nil {
		return nil, nil
	}
	u := &Uses{}
	for _, name := range names {
		u.note(name)
	}
	return u, nil
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

// pclntabFuncs reads the function names of the Go function table, which
// every Go binary keeps, even one stripped of its symbols (-ldflags=-s);
// nil without one.
func pclntabFuncs(f *elf.File) []string {
	// PIE binaries linked by some toolchains keep it in a relro section.
	sect := f.Section(".gopclntab")
	if sect == nil {
		sect = f.Section(".data.rel.ro.gopclntab")
	}
	if sect == nil {
		return nil
	}
	data, err := sect.Data()
	if err != nil {
		return nil
	}
	var text uint64
	if t := f.Section(".text"); t != nil {
		text = t.Addr
	}
	table, err := gosym.NewTable(nil, gosym.NewLineTable(data, text))
	if err != nil || len(table.Funcs) == 0 {
		return nil
	}
	names := make([]string, len(table.Funcs))
	for i, fn := range table.Funcs {
		names[i] = fn.Name
	}
	return names
}

// symtabFuncs reads the function names of the ELF symbol table, for a Go
// binary whose function table is not where pclntabFuncs looks; nil unless
// the table has Go's runtime.main.
func symtabFuncs(f *elf.File) []string {
	syms, err := f.Symbols()
	if err != nil {
		return nil
	}
	var names []string
	goBinary := false
	for _, s := range syms {
		if elf.ST_TYPE(s.Info) != elf.STT_FUNC {
			continue
		}
		names = append(names, s.Name)
		goBinary = goBinary || s.Name == "runtime.main"
	}
	if !goBinary {
		return nil
	}
	return names
}
