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
		b, err := io.ReadAll(io.LimitReader(p.Open(), 4096))
		if err != nil {
			return nil, fmt.Errorf("reading the ELF interpreter of %s: %w", path, err)
		}
		d.Interpreter = strings.TrimRight(string(b), "\x00")
	}
	if d.Interpreter == "" {
		return nil, nil
	}
	if d.Libraries, err = f.ImportedLibraries(); err != nil {
		return nil, fmt.Errorf("reading the libraries %s needs: %w", path, err)
	}
	return d, nil
}
