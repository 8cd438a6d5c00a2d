package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// layerSpecs are the repeated flags that describe a layer's content.
type layerSpecs struct {
	files, dirs, symlinks, trees stringList
	owner                        string
}

// entries turns the flags into layer entries, all owned by --owner.
func (s *layerSpecs) entries() ([]layer.Entry, error) {
	uid, gid, err := parseOwner(s.owner)
	if err != nil {
		return nil, err
	}
	var out []layer.Entry
	for _, parse := range []struct {
		specs stringList
		fn    func(string) ([]layer.Entry, error)
	}{
		{s.files, parseFileSpec},
		{s.dirs, parseDirSpec},
		{s.symlinks, parseSymlinkSpec},
		{s.trees, func(v string) ([]layer.Entry, error) { return parseTreeSpec(v, uid, gid) }},
	} {
		for _, v := range parse.specs {
			es, err := parse.fn(v)
			if err != nil {
				return nil, err
			}
			out = append(out, es...)
		}
	}
	for i := range out {
		out[i].UID, out[i].GID = uid, gid
	}
	return out, nil
}

// parseFileSpec reads SRC=DEST[:MODE], MODE in octal (e.g. 0755).
func parseFileSpec(v string) ([]layer.Entry, error) {
	src, dest, ok := strings.Cut(v, "=")
	if !ok || src == "" || dest == "" {
		return nil, fmt.Errorf("--file %q is not SRC=DEST[:MODE], e.g. bin/server=/app/server:0755", v)
	}
	dest, mode, err := splitMode(dest)
	if err != nil {
		return nil, fmt.Errorf("--file %q: %w", v, err)
	}
	return []layer.Entry{{Path: dest, Kind: layer.File, Source: src, Mode: mode}}, nil
}

// parseDirSpec reads DEST[:MODE], an (empty) directory.
func parseDirSpec(v string) ([]layer.Entry, error) {
	dest, mode, err := splitMode(v)
	if err != nil {
		return nil, fmt.Errorf("--dir %q: %w", v, err)
	}
	return []layer.Entry{{Path: dest, Kind: layer.Dir, Mode: mode}}, nil
}

// parseSymlinkSpec reads DEST=TARGET.
func parseSymlinkSpec(v string) ([]layer.Entry, error) {
	dest, target, ok := strings.Cut(v, "=")
	if !ok || dest == "" || target == "" {
		return nil, fmt.Errorf("--symlink %q is not DEST=TARGET, e.g. /app/current=/app/v2", v)
	}
	return []layer.Entry{{Path: dest, Kind: layer.Symlink, Target: target}}, nil
}

// parseTreeSpec reads SRCDIR=DEST, a host directory copied below DEST.
func parseTreeSpec(v string, uid, gid int) ([]layer.Entry, error) {
	src, dest, ok := strings.Cut(v, "=")
	if !ok || src == "" || dest == "" {
		return nil, fmt.Errorf("--tree %q is not SRCDIR=DEST, e.g. kodata=/app/data", v)
	}
	return layer.Tree(src, dest, uid, gid)
}

// splitMode splits a trailing :MODE (octal digits) off an image path.
func splitMode(v string) (string, int64, error) {
	i := strings.LastIndex(v, ":")
	if i < 0 {
		return v, 0, nil
	}
	mode, err := strconv.ParseInt(v[i+1:], 8, 64)
	if err != nil || mode < 0 || mode > 0o7777 {
		return "", 0, fmt.Errorf("mode %q is not an octal file mode such as 0644", v[i+1:])
	}
	return v[:i], mode, nil
}

// parseOwner reads UID:GID (numbers, as layers store them).
func parseOwner(v string) (int, int, error) {
	if v == "" {
		return 0, 0, nil
	}
	u, g, ok := strings.Cut(v, ":")
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if !ok || err1 != nil || err2 != nil || uid < 0 || gid < 0 {
		return 0, 0, fmt.Errorf("--owner %q is not UID:GID in numbers, e.g. 65532:65532", v)
	}
	return uid, gid, nil
}
