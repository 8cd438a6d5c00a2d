package platform

import (
	"debug/elf"
	"fmt"
)

// ELF is what an ELF file's header says about the CPU it runs on: its
// machine, its class (32 or 64 bits) and its data encoding (byte order).
type ELF struct {
	Machine elf.Machine `json:"machine"`
	Class   elf.Class   `json:"class"`
	Data    elf.Data    `json:"data"`
}

// elfs maps each GOARCH of linux to the ELF header of its binaries; it
// holds the architectures Go builds that images are not made for too, so
// that a file of one of them is named.
var elfs = map[string]ELF{
	"amd64":    {elf.EM_X86_64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"386":      {elf.EM_386, elf.ELFCLASS32, elf.ELFDATA2LSB},
	"arm64":    {elf.EM_AARCH64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"arm":      {elf.EM_ARM, elf.ELFCLASS32, elf.ELFDATA2LSB},
	"ppc64le":  {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"ppc64":    {elf.EM_PPC64, elf.ELFCLASS64, elf.ELFDATA2MSB},
	"s390x":    {elf.EM_S390, elf.ELFCLASS64, elf.ELFDATA2MSB},
	"riscv64":  {elf.EM_RISCV, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"mips64le": {elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2LSB},
	"mips64":   {elf.EM_MIPS, elf.ELFCLASS64, elf.ELFDATA2MSB},
	"mipsle":   {elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2LSB},
	"mips":     {elf.EM_MIPS, elf.ELFCLASS32, elf.ELFDATA2MSB},
	"loong64":  {elf.EM_LOONGARCH, elf.ELFCLASS64, elf.ELFDATA2LSB},
}

// ELFOf returns the ELF header of the binaries of GOARCH arch, such as
// "arm64"; false for an architecture Go does not build for linux.
func ELFOf(arch string) (ELF, bool) {
	e, ok := elfs[arch]
	return e, ok
}

// ArchOf returns the GOARCH whose binaries have the header e, or "" when
// Go builds none.
func ArchOf(e ELF) string {
	for arch, h := range elfs {
		if h == e {
			return arch
		}
	}
	return ""
}

// String names the platform e's binaries run on, such as "linux/amd64", or
// the header's fields for one Go does not build for.
func (e ELF) String() string {
	if arch := ArchOf(e); arch != "" {
		return "linux/" + arch
	}
	return fmt.Sprintf("%s (%s, %s)", e.Machine, e.Class, e.Data)
}
