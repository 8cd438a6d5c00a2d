package komigrate

import (
	"slices"
	"strings"
)

// linkFlagsWithValue are the flags of go tool link whose value may be the
// next argument.
var linkFlagsWithValue = []string{"B", "D", "E", "H", "I", "L", "R", "T", "X", "benchmark", "benchmarkprofile",
	"buildid", "buildmode", "capturehostobjs", "cpuprofile", "debugtextsize", "debugtramp", "extar", "extld",
	"extldflags", "fipso", "funcalign", "importcfg", "installsuffix", "k", "libgcc", "linkmode", "memprofile",
	"memprofilerate", "o", "pluginpath", "r", "randlayout", "strictdups", "tmpdir"}

// linkFlagsCarried are the link flags that mean the same in gc_linkopts:
// rules_go passes gc_linkopts to go tool link as go build passes -ldflags.
var linkFlagsCarried = []string{"s", "w", "d", "B", "E", "I", "r", "extldflags", "compressdwarf", "checklinkname", "bindnow", "strictdups"}

// linkFlagsOfRulesGo are the link flags rules_go's link action sets
// itself, or sets from its build mode.
var linkFlagsOfRulesGo = []string{"o", "importcfg", "buildmode", "linkmode", "buildid", "extld", "extar", "tmpdir",
	"installsuffix", "pluginpath", "L", "linkshared", "race", "msan", "asan"}

// addLdflags maps ldflags: -X to x_defs, the flags that mean the same to
// gc_linkopts. Like ko, it joins them with spaces and splits them as go
// build splits -ldflags.
func (b *Build) addLdflags(ldflags []string, t *templates) {
	var marked []string
	for _, f := range ldflags {
		m, err := t.mark(f)
		if err != nil {
			b.notCarried(f, "the template cannot be translated: %v", err)
			continue
		}
		marked = append(marked, m)
	}
	args, err := splitQuoted(strings.Join(marked, " "))
	if err != nil {
		b.notCarried(t.show(strings.Join(marked, " ")), "%v", err)
		return
	}
	for i := 0; i < len(args); i++ {
		opts := args[i : i+1]
		name, value, hasValue := splitFlag(args[i])
		if name != "" && !hasValue && slices.Contains(linkFlagsWithValue, name) && i+1 < len(args) {
			i++
			opts = args[i-1 : i+1]
			value, hasValue = args[i], true
		}
		setting := t.show(showArgs(opts))
		switch {
		case name == "" && hasMark(args[i]):
			b.notCarried(setting, "the template gives link flags only when ko builds; only x_defs take values known when building, "+
				"so list the flags it gives here, or set them as x_defs from a workspace status key")
		case name == "":
			b.notCarried(setting, "not a linker flag")
		case slices.Contains(linkFlagsWithValue, name) && !hasValue:
			b.notCarried(setting, "the flag has no value")
		case name == "X":
			b.addXDef(setting, value, t)
		case slices.Contains(linkFlagsCarried, name):
			b.addLinkopts(setting, opts)
		case slices.Contains(linkFlagsOfRulesGo, name):
			b.notCarried(setting, "rules_go's link action sets it")
		default:
			b.notCarried(setting, "not known to mean the same in gc_linkopts")
		}
	}
}

// addXDef maps -X importpath.name=value to x_defs. Like go tool link, a
// later -X of the same name wins.
func (b *Build) addXDef(setting, def string, t *templates) {
	name, value, ok := strings.Cut(def, "=")
	if !ok || !strings.Contains(name, ".") {
		b.notCarried(setting, "not -X importpath.name=value")
		return
	}
	if hasMark(name) {
		b.notCarried(setting, "an x_defs name cannot be a template")
		return
	}
	stamped, err := t.stamp(value)
	if err != nil {
		// Nor is an earlier -X of the name, which this one replaces in ko.
		delete(b.XDefs, name)
		b.notCarried(setting, "%v", err)
		return
	}
	if b.XDefs == nil {
		b.XDefs = map[string]string{}
	}
	b.XDefs[name] = stamped
}

// StatusKeys returns the workspace status keys the builds' x_defs read,
// in the order of ko's documentation.
func (p *Plan) StatusKeys() []StatusKey {
	var keys []StatusKey
	for _, k := range statusKeys {
		if slices.ContainsFunc(p.Builds, func(b Build) bool { return b.reads(k) }) {
			keys = append(keys, k)
		}
	}
	return keys
}

// reads reports whether the build's x_defs read the status key k. Only
// stamp puts braces in an x_defs value.
func (b *Build) reads(k StatusKey) bool {
	for _, v := range b.XDefs {
		if strings.Contains(v, "{"+k.Key+"}") {
			return true
		}
	}
	return false
}

func (b *Build) addLinkopts(setting string, opts []string) {
	for _, o := range opts {
		if hasMark(o) {
			b.notCarried(setting, "only x_defs take values known when building; gc_linkopts cannot")
			return
		}
		if !attrSafe(o) {
			b.notCarried(setting, "rules_go would split or expand %q in gc_linkopts", o)
			return
		}
	}
	b.GcLinkopts = append(b.GcLinkopts, opts...)
}

// showArgs joins arguments for a report, quoting one with spaces.
func showArgs(args []string) string {
	shown := make([]string, len(args))
	for i, a := range args {
		shown[i] = a
		if a == "" || strings.ContainsAny(a, " \t\n\r") {
			shown[i] = `"` + a + `"`
		}
	}
	return strings.Join(shown, " ")
}
