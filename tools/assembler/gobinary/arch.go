package gobinary

import (
	"debug/elf"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// elfArch is the GOARCH of an ELF file, or "" for one Go does not target;
// the ELF header of each architecture is package platform's.
func elfArch(f *elf.File) string {
	return platform.ArchOf(platform.ELF{Machine: f.Machine, Class: f.Class, Data: f.Data})
}
