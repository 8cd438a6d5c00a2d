package gobinary

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
)

// Limits on what the checks read of a binary. A binary is anyone's file,
// and debug/elf and debug/gosym are not hardened against hostile ones: a
// section header may claim gigabytes (or a compressed section unpack to
// them), and a function or library name may run to the end of its table.
// So the checks read the few sections they need themselves, each whole
// only up to its limit, and names only up to theirs. The limits are far
// above what real binaries hold (a 500 MB Go binary has a function table
// of about 100 MB).
const (
	// MaxTableBytes bounds the Go function table (.gopclntab) and the
	// symbol table and its strings (.symtab, .strtab), as they unpack.
	MaxTableBytes = 256 << 20
	// MaxDynamicBytes bounds the dynamic section (.dynamic) and its strings
	// (.dynstr).
	MaxDynamicBytes = 1 << 20
	// MaxLibraries bounds the libraries (DT_NEEDED entries) a binary may
	// need; real ones need a few dozen.
	MaxLibraries = 1024
	// MaxInterpreterBytes bounds the ELF interpreter's path (PATH_MAX).
	MaxInterpreterBytes = 4096
	// maxNameBytes is how much of a function or library name is read; a
	// function's package, all the checks look at, comes first.
	maxNameBytes = 1024
)

// sectionData reads a section whole, refusing one larger than limit
// before reading it, and reading no more than limit whatever its header
// says; nil for a missing section.
func sectionData(path string, s *elf.Section, what string, limit int64) ([]byte, error) {
	if s == nil {
		return nil, nil
	}
	if s.Type == elf.SHT_NOBITS {
		return nil, fmt.Errorf("reading ELF binary %s: its %s (section %s) has no bytes in the file; the binary is damaged: rebuild it", path, what, s.Name)
	}
	if s.Size > uint64(limit) {
		return nil, fmt.Errorf("reading ELF binary %s: its %s (section %s) is %d bytes, more than the %d this check reads; the binary is damaged or not one an image runs: rebuild it", path, what, s.Name, s.Size, limit)
	}
	b, err := io.ReadAll(io.LimitReader(s.Open(), limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading ELF binary %s: its %s (section %s): %w", path, what, s.Name, err)
	}
	if uint64(len(b)) < s.Size {
		return nil, fmt.Errorf("reading ELF binary %s: its %s (section %s) ends past the end of the file; the binary is cut short: rebuild it", path, what, s.Name)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("reading ELF binary %s: its %s (section %s) unpacks to more than the %d bytes this check reads; the binary is damaged: rebuild it", path, what, s.Name, limit)
	}
	return b, nil
}

// cString is the NUL-terminated string at off in table, read up to
// maxNameBytes; whole is false when it is cut there or off is outside the
// table.
func cString(table []byte, off uint64) (s string, whole bool) {
	if off >= uint64(len(table)) {
		return "", false
	}
	b := table[off:]
	if len(b) > maxNameBytes {
		b = b[:maxNameBytes]
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return string(b[:i]), true
	}
	return string(b), false
}
