package gobinary

import (
	"debug/elf"
	"encoding/binary"
)

// elfTarget is what an ELF header says about the CPU a binary runs on.
type elfTarget struct {
	machine elf.Machine
	class   elf.Class
	order   binary.ByteOrder
}

// goArchs maps Go's GOARCH values to ELF headers.
var goArchs = map[elfTarget]string{
	{elf.EM_X86_64, elf.ELFCLASS64, binary.LittleEndian}:    "amd64",
	{elf.EM_386, elf.ELFCLASS32, binary.LittleEndian}:       "386",
	{elf.EM_AARCH64, elf.ELFCLASS64, binary.LittleEndian}:   "arm64",
	{elf.EM_ARM, elf.ELFCLASS32, binary.LittleEndian}:       "arm",
	{elf.EM_PPC64, elf.ELFCLASS64, binary.LittleEndian}:     "ppc64le",
	{elf.EM_PPC64, elf.ELFCLASS64, binary.BigEndian}:        "ppc64",
	{elf.EM_S390, elf.ELFCLASS64, binary.BigEndian}:         "s390x",
	{elf.EM_RISCV, elf.ELFCLASS64, binary.LittleEndian}:     "riscv64",
	{elf.EM_MIPS, elf.ELFCLASS64, binary.LittleEndian}:      "mips64le",
	{elf.EM_MIPS, elf.ELFCLASS64, binary.BigEndian}:         "mips64",
	{elf.EM_MIPS, elf.ELFCLASS32, binary.LittleEndian}:      "mipsle",
	{elf.EM_MIPS, elf.ELFCLASS32, binary.BigEndian}:         "mips",
	{elf.EM_LOONGARCH, elf.ELFCLASS64, binary.LittleEndian}: "loong64",
}

// elfArch is the GOARCH of an ELF file, or "" for one Go does not target.
func elfArch(f *elf.File) string {
	return goArchs[elfTarget{f.Machine, f.Class, f.ByteOrder}]
}
