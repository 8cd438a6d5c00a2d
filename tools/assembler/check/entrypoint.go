package check

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// defaultPath is the PATH of a container whose config sets none, as Docker
// and containerd set it.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// entrypoint finds a command the container could not start: the
// entrypoint's first argument (the cmd's, without an entrypoint) must be an
// executable of the image, at its path or, for a bare name, on the PATH;
// and a bare name must not run a base's file in place of the image's own
// binary of that name.
func entrypoint(img *Image) []string {
	what, arg0 := command(img)
	switch {
	case arg0 == "":
		return nil
	case !strings.Contains(arg0, "/"):
		return lookPath(img, what, arg0)
	}
	p := arg0
	if !path.IsAbs(p) {
		p = path.Join("/", img.Config.WorkingDir, p)
	}
	if msg := runnable(img, what, p); msg != "" {
		return []string{msg}
	}
	return nil
}

// command names what starts the container, and its program: the cmd, when
// the image has no entrypoint.
func command(img *Image) (what, arg0 string) {
	switch {
	case len(img.Config.Entrypoint) > 0:
		return "the entrypoint", img.Config.Entrypoint[0]
	case len(img.Config.Cmd) > 0:
		return "the cmd", img.Config.Cmd[0]
	}
	return "", ""
}

// runnable returns what keeps the file at p from running; "" when nothing
// does, or when the index does not know what p is.
func runnable(img *Image, what, p string) string {
	resolved, kind := img.FS.Stat(p)
	at := p
	if resolved != path.Clean(p) {
		at = fmt.Sprintf("%s (a symlink to %s)", p, resolved)
	}
	switch kind {
	case fsindex.Missing:
		return fmt.Sprintf("%s %s is not in the image: the container would not start (\"no such file or directory\"). Set the entrypoint to the path of the program%s, or add the file",
			what, at, binaryHint(img, "/"))
	case fsindex.Directory:
		return fmt.Sprintf("%s %s is a directory: the container would not start (\"permission denied\"). Set the entrypoint to the program%s",
			what, at, binaryHint(img, resolved))
	case fsindex.File:
		return fmt.Sprintf("%s %s is a file without an execute bit: the container would not start (\"permission denied\"). Give it mode 0755 (assembler layer --file SRC=DEST:0755), or set the entrypoint to an executable",
			what, at)
	}
	return ""
}

// lookPath finds name on the PATH, as the runtime does, and returns what
// keeps it from running the image's own binary of that name.
func lookPath(img *Image, what, name string) []string {
	dirs := pathDirs(img)
	found := ""
	for _, dir := range dirs {
		if _, kind := img.FS.Stat(path.Join(dir, name)); kind == fsindex.Executable || kind == fsindex.Unknown {
			found = path.Join(dir, name)
			break
		}
	}
	if found == "" {
		return []string{fmt.Sprintf("%s %q is not an executable in any folder of the PATH %s: the container would not start (\"executable file not found in $PATH\"). "+
			"Set the entrypoint to the absolute path of the program%s, or add its folder to PATH (--env PATH=...)",
			what, name, strings.Join(dirs, ":"), binaryHint(img, "/"))}
	}
	if own := shadowed(img, dirs, name, found); own != "" {
		return []string{fmt.Sprintf("%s %q runs %s, which comes first on the PATH, not the image's binary %s: set the entrypoint to %s, or put %s before %s in PATH",
			what, name, found, own, own, path.Dir(own), path.Dir(found))}
	}
	return nil
}

// shadowed returns the image's own binary named name, in a folder of the
// PATH, that found (the file the PATH gives) is not; "" when there is none.
func shadowed(img *Image, dirs []string, name, found string) string {
	onPath := map[string]bool{}
	for _, d := range dirs {
		onPath[path.Clean(d)] = true
	}
	target, _ := img.FS.Resolve(found)
	own := ""
	for _, bin := range slices.Sorted(maps.Keys(img.Binaries)) {
		if _, kind := img.FS.Stat(bin); path.Base(bin) != name || !onPath[path.Dir(bin)] || kind != fsindex.Executable {
			continue
		}
		if resolved, _ := img.FS.Resolve(bin); resolved == target {
			return ""
		}
		if own == "" {
			own = bin
		}
	}
	return own
}

// pathDirs are the absolute folders of the container's PATH: the runtime
// takes no other.
func pathDirs(img *Image) []string {
	value, ok := env(img, "PATH")
	if !ok {
		value = defaultPath
	}
	var dirs []string
	for _, d := range strings.Split(value, ":") {
		if path.IsAbs(d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// binaryHint names the image's binaries below dir, as a suggestion.
func binaryHint(img *Image, dir string) string {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var below []string
	for _, bin := range slices.Sorted(maps.Keys(img.Binaries)) {
		if strings.HasPrefix(bin, prefix) {
			below = append(below, bin)
		}
	}
	if len(below) == 0 {
		return ""
	}
	return ", such as " + strings.Join(below, " or ")
}
