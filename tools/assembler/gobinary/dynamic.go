package gobinary

import (
	"debug/elf"
	"fmt"
	"io"
	"strings"
)

// Dynamic is what a dynamically linked binary needs from the image it runs
// in: its ELF interpreter (the dynamic loader) and its shared libraries.
// A static binary, as a pure Go build makes, needs neither.
type Dynamic struct {
	// Interpreter is the loader's path, such as /lib64/ld-linux-x86-64.so.2.
	Interpreter string `json:"interpreter,omitempty"`
	// Libraries are the sonames of DT_NEEDED, such as libc.so.6.
	Libraries []string `json:"libraries,omitempty"`
}

// ReadDynamic returns what the ELF binary at path needs to run, or nil for a
// static binary.
func ReadDynamic(path string) (*Dynamic, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading ELF binary %s: %w", path, err)
	}
	defer f.Close()
	d := &Dynamic{}
	for _, p := range f.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		b, err := io.ReadAll(io.LimitReader(p.Open(), MaxInterpreterBytes+1))
		if err != nil {
			return nil, fmt.Errorf("reading the ELF interpreter of %s: %w", path, err)
		}
		if len(b) > MaxInterpreterBytes {
			return nil, fmt.Errorf("ELF binary %s names an interpreter longer than %d bytes; the binary is damaged: rebuild it", path, MaxInterpreterBytes)
		}
		d.Interpreter = strings.TrimRight(string(b), "\x00")
	}
	if d.Interpreter == "" {
		return nil, nil
	}
	if d.Libraries, err = neededLibraries(path, f); err != nil {
		return nil, err
	}
	return d, nil
}

// neededLibraries reads the DT_NEEDED entries of the dynamic section, as
// (*elf.File).ImportedLibraries does, within the limits: each name once,
// in order.
func neededLibraries(path string, f *elf.File) ([]string, error) {
	dyn := f.SectionByType(elf.SHT_DYNAMIC)
	if dyn == nil {
		return nil, nil
	}
	entries, err := sectionData(path, dyn, "dynamic section", MaxDynamicBytes)
	if err != nil {
		return nil, err
	}
	if dyn.Link == 0 || int(dyn.Link) >= len(f.Sections) {
		return nil, fmt.Errorf("reading ELF binary %s: its dynamic section links no string table; the binary is damaged: rebuild it", path)
	}
	strs, err := sectionData(path, f.Sections[dyn.Link], "dynamic string table", MaxDynamicBytes)
	if err != nil {
		return nil, err
	}
	size := 8
	if f.Class == elf.ELFCLASS64 {
		size = 16
	}
	var libs []string
	seen := map[string]bool{}
	for ; len(entries) >= size; entries = entries[size:] {
		tag, val := dynEntry(f, entries)
		if tag != elf.DT_NEEDED {
			continue
		}
		name, whole := cString(strs, val)
		if !whole {
			return nil, fmt.Errorf("reading ELF binary %s: a library it needs has no name of at most %d bytes in its dynamic string table; the binary is damaged: rebuild it", path, maxNameBytes)
		}
		if seen[name] {
			continue
		}
		if len(libs) == MaxLibraries {
			return nil, fmt.Errorf("ELF binary %s needs more than %d libraries; a binary that needs that many is damaged or not one an image runs: link it statically or rebuild it", path, MaxLibraries)
		}
		seen[name] = true
		libs = append(libs, name)
	}
	return libs, nil
}

// dynEntry is the tag and value of the dynamic entry at the start of b.
func dynEntry(f *elf.File, b []byte) (elf.DynTag, uint64) {
	if f.Class == elf.ELFCLASS64 {
		return elf.DynTag(f.ByteOrder.Uint64(b)), f.ByteOrder.Uint64(b[8:])
	}
	return elf.DynTag(f.ByteOrder.Uint32(b)), uint64(f.ByteOrder.Uint32(b[4:]))
}
