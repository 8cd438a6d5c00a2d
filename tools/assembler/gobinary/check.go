// Package gobinary checks that a binary can run on an image's platform.
//
// A binary for the wrong OS or architecture makes an image that fails only
// when it starts ("exec format error"), so the assembler refuses it up front:
// the file must be an ELF executable for the platform's architecture, and a
// Go binary's build info must name the platform's GOOS, GOARCH and, for arm,
// a GOARM the platform's variant supports.
package gobinary

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"os"
	"strconv"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/sniff"
)

// Check returns an error unless the file at path is an executable for
// platform.
func Check(path string, platform v1.Platform) error {
	if platform.OS != "linux" {
		return fmt.Errorf("platform %s: only linux images are supported", platform.String())
	}
	kind, err := fileKind(path)
	if err != nil {
		return err
	}
	if kind != "ELF" {
		return fmt.Errorf("%s is a %s; an image's binary is its entrypoint, so it must be a Go binary built for %s: a go_binary, or GOOS=linux GOARCH=%s go build",
			path, kind, platform.String(), platform.Architecture)
	}
	if err := checkELF(path, platform); err != nil {
		return err
	}
	return checkBuildInfo(path, platform)
}

// fileKind names an executable format by its magic number.
func fileKind(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("reading binary: %w", err)
	}
	switch {
	case fi.IsDir():
		return "directory, not a file", nil
	case !fi.Mode().IsRegular():
		// Opening a FIFO would block.
		return "special file (" + fi.Mode().Type().String() + "), not a regular file", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading binary: %w", err)
	}
	defer f.Close()
	magic, err := sniff.Head(f, 4)
	if err != nil {
		return "", fmt.Errorf("reading binary: %w", err)
	}
	switch {
	case bytes.Equal(magic, []byte(elf.ELFMAG)):
		return "ELF", nil
	case isMachO(magic):
		return "macOS (Mach-O) binary", nil
	case bytes.HasPrefix(magic, []byte("MZ")):
		return "Windows (PE) binary", nil
	case bytes.HasPrefix(magic, []byte("#!")):
		return "script, not a binary", nil
	}
	return "file that is not an executable (no ELF header)", nil
}

func isMachO(magic []byte) bool {
	for _, m := range [][]byte{
		{0xfe, 0xed, 0xfa, 0xce}, {0xfe, 0xed, 0xfa, 0xcf},
		{0xce, 0xfa, 0xed, 0xfe}, {0xcf, 0xfa, 0xed, 0xfe},
		{0xca, 0xfe, 0xba, 0xbe}, // universal binary
	} {
		if bytes.Equal(magic, m) {
			return true
		}
	}
	return false
}

func checkELF(path string, platform v1.Platform) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("reading ELF binary %s: %w", path, err)
	}
	defer f.Close()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("%s is an ELF %s, not an executable", path, f.Type)
	}
	got := elfArch(f)
	if got != platform.Architecture {
		return fmt.Errorf("%s is a binary for %s, but the image is %s; build it with GOOS=linux GOARCH=%s",
			path, describeArch(got, f), platform.String(), platform.Architecture)
	}
	if f.OSABI != elf.ELFOSABI_NONE && f.OSABI != elf.ELFOSABI_LINUX {
		return fmt.Errorf("%s is a binary for %s (ELF OS ABI %s), but the image is %s; build it with GOOS=linux",
			path, strings.TrimPrefix(f.OSABI.String(), "ELFOSABI_"), f.OSABI, platform.String())
	}
	return nil
}

func describeArch(arch string, f *elf.File) string {
	if arch == "" {
		return fmt.Sprintf("an architecture Go does not target (ELF machine %s)", f.Machine)
	}
	return "linux/" + arch
}

// checkBuildInfo compares what the Go toolchain recorded with the platform.
// Binaries without build info (not Go, or stripped of it) pass.
func checkBuildInfo(path string, platform v1.Platform) error {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	if goos := settings["GOOS"]; goos != "" && goos != platform.OS {
		return fmt.Errorf("%s was built with GOOS=%s, but the image is %s; build it with GOOS=%s", path, goos, platform.String(), platform.OS)
	}
	return checkGOARM(path, settings["GOARM"], platform)
}

// checkGOARM refuses an arm binary that needs a newer CPU than the
// platform's variant (e.g. GOARM=7 in a linux/arm/v6 image).
func checkGOARM(path, goarm string, platform v1.Platform) error {
	if platform.Architecture != "arm" || goarm == "" || platform.Variant == "" {
		return nil
	}
	need, err1 := strconv.Atoi(strings.SplitN(goarm, ",", 2)[0])
	have, err2 := strconv.Atoi(strings.TrimPrefix(platform.Variant, "v"))
	if err1 != nil || err2 != nil || need <= have {
		return nil
	}
	return fmt.Errorf("%s was built with GOARM=%s, which does not run on %s; build it with GOARM=%d", path, goarm, platform.String(), have)
}
