package komigrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// ko expands Go templates in flags and ldflags ({{.Git.FullCommit}}) each
// time it builds. A Bazel build has no such step: a value known only then
// reaches a binary through x_defs that read a workspace status key,
// "{STABLE_GIT_COMMIT}", when building with --stamp. So a template
// parameter is carried only into x_defs, and only when a status key holds
// the same value.

// StatusKey is the workspace status key that holds the value of one of
// ko's template parameters.
type StatusKey struct {
	Param  string // ko's template parameter: "Git.FullCommit"
	Key    string // the workspace status key: "STABLE_GIT_COMMIT"
	Script string // the command that prints the value; "" for a key Bazel writes itself
}

// statusKeys are ko's template parameters that have a workspace status
// key, in the order of ko's documentation. The commands print what ko
// computes: ko reads git with these, and Tag is v0.0.0 without a tag.
var statusKeys = []StatusKey{
	{"Date", "BUILD_DATE", `date -u +%Y-%m-%dT%H:%M:%SZ`},
	{"Timestamp", "BUILD_TIMESTAMP", ""},
	{"Git.Branch", "STABLE_GIT_BRANCH", `git rev-parse --abbrev-ref HEAD`},
	{"Git.Tag", "STABLE_GIT_TAG", `git describe --tags --abbrev=0 HEAD 2>/dev/null || echo v0.0.0`},
	{"Git.ShortCommit", "STABLE_GIT_SHORT_COMMIT", `git show --format=%h --quiet HEAD`},
	{"Git.FullCommit", "STABLE_GIT_COMMIT", `git show --format=%H --quiet HEAD`},
	{"Git.CommitDate", "STABLE_GIT_COMMIT_DATE", `TZ=UTC git show --quiet --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd HEAD`},
	{"Git.CommitTimestamp", "STABLE_GIT_COMMIT_TIMESTAMP", `git show --format=%ct --quiet HEAD`},
	{"Git.TreeState", "STABLE_GIT_TREE_STATE", `test -z "$(git status --porcelain)" && echo clean || echo dirty`},
}

func statusKey(param string) (StatusKey, bool) {
	for _, k := range statusKeys {
		if k.Param == param {
			return k, true
		}
	}
	return StatusKey{}, false
}

// templates holds the template actions of one build's flags. In the
// arguments an action stands as a mark, "\x00<index>\x00", so that
// splitting the arguments at spaces keeps it whole and literal text can
// never be taken for one.
type templates struct {
	actions []*parse.ActionNode
}

var marks = regexp.MustCompile("\x00([0-9]+)\x00")

// mark returns s with its template actions replaced by marks. A template
// that is more than actions (if, range, template) is an error.
func (t *templates) mark(s string) (string, error) {
	if hasMark(s) {
		return "", fmt.Errorf("%q has a NUL byte", s)
	}
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	// ko parses each flag with text/template, with its built-in functions.
	tmpl, err := template.New("flag").Parse(s)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, n := range tmpl.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			b.Write(n.Text)
		case *parse.ActionNode:
			fmt.Fprintf(&b, "\x00%d\x00", len(t.actions))
			t.actions = append(t.actions, n)
		default:
			return "", fmt.Errorf("%s: only {{.Param}} actions can be translated", n)
		}
	}
	return b.String(), nil
}

func hasMark(s string) bool { return strings.Contains(s, "\x00") }

// show returns s as it reads in the ko configuration.
func (t *templates) show(s string) string {
	return marks.ReplaceAllStringFunc(s, func(m string) string {
		return t.action(m).String()
	})
}

func (t *templates) action(mark string) *parse.ActionNode {
	i, _ := strconv.Atoi(strings.Trim(mark, "\x00"))
	return t.actions[i]
}

// stamp returns s as an x_defs value: each action becomes the {KEY} of
// its workspace status key. rules_go reads any {...} in an x_defs value
// as a status key and $ as a location, so literal text with either is
// refused rather than changed.
func (t *templates) stamp(s string) (string, error) {
	if literal := marks.ReplaceAllString(s, ""); strings.ContainsAny(literal, "{}$") {
		return "", fmt.Errorf("rules_go would read {...} in an x_defs value as a workspace status key and $ as a location")
	}
	var err error
	value := marks.ReplaceAllStringFunc(s, func(m string) string {
		a := t.action(m)
		k, ok := statusKey(fieldOf(a))
		if !ok {
			if err == nil {
				err = untranslatable(a)
			}
			return ""
		}
		return "{" + k.Key + "}"
	})
	return value, err
}

// fieldOf returns the parameter an action prints, "Git.Tag" for
// {{.Git.Tag}}, or "" for any other action.
func fieldOf(a *parse.ActionNode) string {
	if len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) != 1 || len(a.Pipe.Cmds[0].Args) != 1 {
		return ""
	}
	f, ok := a.Pipe.Cmds[0].Args[0].(*parse.FieldNode)
	if !ok {
		return ""
	}
	return strings.Join(f.Ident, ".")
}

// untranslatable says why an action has no workspace status key.
func untranslatable(a *parse.ActionNode) error {
	field := fieldOf(a)
	switch name, isEnv := strings.CutPrefix(field, "Env."); {
	case isEnv && !strings.Contains(name, "."):
		return fmt.Errorf("%s reads the environment, which Bazel actions do not see; "+
			"print the value from a --workspace_status_command script as STABLE_%s and use {STABLE_%s} in x_defs", a, name, name)
	case strings.HasPrefix(field, "GoEnv."):
		return fmt.Errorf("%s reads go env, which has no workspace status key", a)
	case field != "":
		return fmt.Errorf("%s has no workspace status key", a)
	}
	return fmt.Errorf("%s is a template that cannot be translated; only {{.Param}} can", a)
}
