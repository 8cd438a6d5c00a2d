package platform

import (
	"debug/elf"
	"os"
	"runtime"
	"testing"
)

func TestEveryPlatformHasItsELFHeader(t *testing.T) {
	for _, target := range All() {
		e, ok := ELFOf(target.GoArch)
		if !ok {
			t.Errorf("%s: GOARCH %s has no ELF header in the table", target.Image, target.GoArch)
			continue
		}
		if got := ArchOf(e); got != target.GoArch {
			t.Errorf("%s: ArchOf(%v) = %q, want %q: two architectures share a header", target.Image, e, got, target.GoArch)
		}
	}
}

// The header of a real binary, this test's own, names the architecture it
// was built for.
func TestArchOfThisBinary(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("this test's binary is not an ELF file")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e := ELF{Machine: f.Machine, Class: f.Class, Data: f.Data}
	if got := ArchOf(e); got != runtime.GOARCH {
		t.Errorf("ArchOf(%v) = %q, want %q", e, got, runtime.GOARCH)
	}
	if got, want := e.String(), "linux/"+runtime.GOARCH; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestELFStringOfAnArchitectureGoDoesNotBuild(t *testing.T) {
	e := ELF{Machine: elf.EM_SPARCV9, Class: elf.ELFCLASS64, Data: elf.ELFDATA2MSB}
	if got, want := e.String(), "EM_SPARCV9 (ELFCLASS64, ELFDATA2MSB)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
