package check

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// libraryTriplets are the Debian multiarch folders of each architecture.
var libraryTriplets = map[string]string{
	"amd64":    "x86_64-linux-gnu",
	"arm64":    "aarch64-linux-gnu",
	"arm":      "arm-linux-gnueabihf",
	"386":      "i386-linux-gnu",
	"ppc64le":  "powerpc64le-linux-gnu",
	"s390x":    "s390x-linux-gnu",
	"riscv64":  "riscv64-linux-gnu",
	"mips64le": "mips64el-linux-gnuabi64",
}

// libraryDirs are where the dynamic loader looks for a library by default.
func libraryDirs(p v1.Platform) []string {
	dirs := []string{"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/usr/local/lib"}
	if t, ok := libraryTriplets[p.Architecture]; ok {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	return dirs
}

// dynamicLinks finds dynamically linked binaries whose ELF interpreter or
// shared libraries the image lacks: they would fail at start with "no such
// file or directory", which names none of them.
func dynamicLinks(img *Image) []string {
	var found []string
	for _, bin := range slices.Sorted(maps.Keys(img.Binaries)) {
		d := img.Binaries[bin].Dynamic
		if d == nil {
			continue
		}
		var missing []string
		if !img.FS.Has(d.Interpreter) {
			missing = append(missing, "its ELF interpreter "+d.Interpreter)
		}
		for _, lib := range d.Libraries {
			if !hasLibrary(img, lib) {
				missing = append(missing, "the library "+lib)
			}
		}
		if len(missing) > 0 {
			found = append(found, fmt.Sprintf("%s is dynamically linked (it was built with cgo) and needs %s, which the image lacks: it would fail at start with \"no such file or directory\". "+
				"Build it static: pure Go (CGO_ENABLED=0, go_image's default pure = \"auto\" or \"on\"), or with cgo and -ldflags '-extldflags \"-static\"'; "+
				"or use a base that carries the C library, such as one made from Debian's libc6",
				bin, strings.Join(missing, " and ")))
		}
	}
	return found
}

// hasLibrary reports whether the image may give the loader the library
// soname: in a default folder or one of LD_LIBRARY_PATH, or else anywhere
// in the image, since the binary's RUNPATH, an ld.so.conf folder or
// $ORIGIN may lead there. The check refuses only a library the image lacks
// altogether.
func hasLibrary(img *Image, soname string) bool {
	dirs := libraryDirs(img.Platform)
	for _, e := range img.Config.Env {
		if v, ok := strings.CutPrefix(e, "LD_LIBRARY_PATH="); ok {
			dirs = append(strings.Split(v, ":"), dirs...)
		}
	}
	for _, dir := range dirs {
		if dir != "" && img.FS.Has(path.Join(dir, soname)) {
			return true
		}
	}
	return img.FS.HasFileNamed(soname)
}
