package push

import (
	"regexp"
	"strings"
)

// tagPattern is the distribution spec's tag grammar.
var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func validTag(t string) bool { return tagPattern.MatchString(t) }

// stampHint explains a tag that still holds a {KEY} placeholder: it was
// meant to be filled from the workspace status, which only --stamp does.
func stampHint(t string) string {
	if strings.Contains(t, "{") {
		return "; it holds a workspace status placeholder, which is only filled in when building with --stamp"
	}
	return ""
}
