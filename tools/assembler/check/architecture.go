package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// Layer is one of the image's own layers, as its descriptor tells it.
type Layer struct {
	// Name says which layer it is: its descriptor's path and its history
	// line, such as `app/tools.json ("files /usr/bin/tool")`.
	Name string
	FS   *fsindex.Layer
}

// maxNamed bounds the files a message names; it counts the others.
const maxNamed = 3

// ownFiles is the file system the image's own layers make, without the
// base: the files they leave visible, each from the topmost layer giving it.
func ownFiles(img *Image) *fsindex.Index {
	own := fsindex.New()
	for _, l := range img.Layers {
		own.Apply(l.FS)
	}
	return own
}

// foreign groups the ELF files of files whose header does not fit the
// image's platform by the header they have instead, each group's paths
// sorted; keep picks the paths to look at.
func foreign(img *Image, files map[string]platform.ELF, keep func(string) bool) (map[platform.ELF][]string, bool) {
	want, ok := platform.ELFOf(img.Platform.Architecture)
	if !ok {
		return nil, false
	}
	found := map[platform.ELF][]string{}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		if e := files[p]; e != want && keep(p) {
			found[e] = append(found[e], p)
		}
	}
	return found, true
}

// architecture finds the ELF executables and shared libraries that the
// image's own layers hold for another machine than the image's platform:
// a tool built for the host, or a prebuilt file of one architecture, put
// into every platform's image. Each would fail with "exec format error".
func architecture(img *Image) []string {
	own := ownFiles(img)
	found, ok := foreign(img, own.ELF, func(string) bool { return true })
	if !ok {
		return nil
	}
	// Each file is named with the topmost layer that gives it.
	byLayer := map[int]map[platform.ELF][]string{}
	for e, paths := range found {
		for _, p := range paths {
			n := topmostWith(img.Layers, p)
			if byLayer[n] == nil {
				byLayer[n] = map[platform.ELF][]string{}
			}
			byLayer[n][e] = append(byLayer[n][e], p)
		}
	}
	var msgs []string
	for _, n := range slices.Sorted(maps.Keys(byLayer)) {
		for _, e := range sortedHeaders(byLayer[n]) {
			msgs = append(msgs, fmt.Sprintf("layer %s holds %s for %s, but the image is %s: run there, it fails with \"exec format error\". "+
				"Put in what is built for %s: a go_binary or a C tool in a go_image's binary, layers, tars or data is built for each image platform, "+
				"a prebuilt file is not (pick it with a select() on @platforms//cpu); or leave it out of the %s image",
				img.Layers[n].Name, files(byLayer[n][e]), e, platform.String(img.Platform), platform.String(img.Platform), platform.String(img.Platform)))
		}
	}
	return msgs
}

// baseArchitecture finds the ELF executables and shared libraries of the
// base that are for another machine than the image's platform: a base
// whose image for the platform holds another platform's files. They fail
// only if they run, and the fix is the base's, so it warns by default.
func baseArchitecture(img *Image) []string {
	own := ownFiles(img)
	found, ok := foreign(img, img.FS.ELF, func(p string) bool { _, mine := own.ELF[p]; return !mine })
	if !ok {
		return nil
	}
	var msgs []string
	for _, e := range sortedHeaders(found) {
		msgs = append(msgs, fmt.Sprintf("the base holds %s for %s, but the image is %s: run there, it fails with \"exec format error\". "+
			"Use a base whose image for %s is built for it (check the base's digest and platform)",
			files(found[e]), e, platform.String(img.Platform), platform.String(img.Platform)))
	}
	return msgs
}

// topmostWith is the index of the topmost layer that gives p as an ELF file.
func topmostWith(layers []Layer, p string) int {
	for n := len(layers) - 1; n >= 0; n-- {
		if fs := layers[n].FS; fs != nil {
			if _, ok := fs.ELF[p]; ok {
				return n
			}
		}
	}
	return 0
}

func sortedHeaders(found map[platform.ELF][]string) []platform.ELF {
	return slices.SortedFunc(maps.Keys(found), func(a, b platform.ELF) int { return strings.Compare(a.String(), b.String()) })
}

// files names ELF files: "the ELF file /usr/bin/tool", or the first of
// several and how many more.
func files(paths []string) string {
	if len(paths) == 1 {
		return "the ELF file " + paths[0]
	}
	named := paths[:min(len(paths), maxNamed)]
	s := fmt.Sprintf("%d ELF files, %s", len(paths), strings.Join(named, ", "))
	if more := len(paths) - len(named); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}
