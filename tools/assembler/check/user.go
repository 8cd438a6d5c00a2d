package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// user finds a config User ("name", "name:group", "uid:gid"...) that names
// an account the image lacks: the runtime looks names up in the image's
// /etc/passwd and /etc/group, and a container whose user it cannot find
// does not start. Numeric ids need neither file.
func user(img *Image) []string {
	if img.Config.User == "" {
		return nil
	}
	name, group, hasGroup := strings.Cut(img.Config.User, ":")
	var found []string
	if msg := lookUp(img, "user", name, "/etc/passwd", img.FS.Users); msg != "" {
		found = append(found, msg)
	}
	if hasGroup {
		if msg := lookUp(img, "group", group, "/etc/group", img.FS.Groups); msg != "" {
			found = append(found, msg)
		}
	}
	return found
}

// lookUp returns what is wrong with the account name of kind (user or
// group), which the file lists in names; "" when nothing is, or when the
// file's names are not known.
func lookUp(img *Image, kind, name, file string, names map[string]string) string {
	if name == "" || isNumeric(name) {
		return ""
	}
	fix := "Give numeric ids instead, such as --user 65532:65532, or use a base that has the " + kind +
		" (gcr.io/distroless/static:nonroot has the user and group nonroot)"
	switch {
	case !img.FS.Has(file):
		return fmt.Sprintf("the image's user %q names the %s %q, which needs %s, and the image has none: the container would not start (\"unable to find %s %s\"). %s",
			img.Config.User, kind, name, file, kind, name, fix)
	case len(names) == 0:
		return ""
	case names[name] != "":
		return ""
	}
	return fmt.Sprintf("the image's user %q names the %s %q, which its %s lacks (it has %s): the container would not start (\"unable to find %s %s\"). %s",
		img.Config.User, kind, name, file, someNames(names), kind, name, fix)
}

// someNames lists a few of the names, sorted.
func someNames(names map[string]string) string {
	const most = 8
	keys := slices.Sorted(maps.Keys(names))
	if len(keys) > most {
		return strings.Join(keys[:most], ", ") + fmt.Sprintf(" and %d more", len(keys)-most)
	}
	return strings.Join(keys, ", ")
}

func isNumeric(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
