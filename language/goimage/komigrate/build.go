package komigrate

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Build is what one entry of ko's builds carries to the go_binary of its
// main package, and what it cannot carry.
type Build struct {
	ID  string // the entry's id, or "#<index>" as ko calls an entry without one
	Dir string // the main package's folder, slash-separated, relative to the repository root

	XDefs      map[string]string // from -X in ldflags
	Gotags     []string          // from -tags
	GcGoopts   []string          // from -gcflags
	GcLinkopts []string          // from the other ldflags that mean the same to rules_go
	Race       bool              // from -race

	Capabilities []string // from linux_capabilities: the go_image's capabilities

	Notes []Note // the settings that are not attributes, in the order ko has them
}

// Note says why a setting of ko's is not an attribute of the go_binary.
type Note struct {
	Setting string // as the ko configuration has it: "-extldflags \"-static\"", "CGO_ENABLED=1"
	Same    bool   // rules_go or go_image does the same already: nothing to carry
	Why     string
}

func (b *Build) hasAttrs() bool {
	return len(b.XDefs) > 0 || len(b.Gotags) > 0 || len(b.GcGoopts) > 0 || len(b.GcLinkopts) > 0 || b.Race
}

func (b *Build) notCarried(setting, why string, args ...any) {
	b.Notes = append(b.Notes, Note{Setting: setting, Why: fmt.Sprintf(why, args...)})
}

func (b *Build) same(setting, why string) {
	b.Notes = append(b.Notes, Note{Setting: setting, Same: true, Why: why})
}

// newBuild maps the i-th entry of ko's builds. Its flags, ldflags and env
// are its own or, when it has none, ko's defaults; dir and main are
// relative to koDir, where ko runs.
func newBuild(i int, kb KoBuild, c *KoConfig, koDir string) (Build, error) {
	b := Build{ID: kb.ID}
	if b.ID == "" {
		b.ID = fmt.Sprintf("#%d", i)
	}
	b.Dir = path.Join(koDir, orDot(kb.Dir), orDot(kb.Main))
	if b.Dir == ".." || strings.HasPrefix(b.Dir, "../") {
		return Build{}, fmt.Errorf("builds[%d] (%s): dir %q and main %q name a folder outside the repository", i, b.ID, kb.Dir, kb.Main)
	}
	if b.Dir == "." {
		b.Dir = ""
	}
	cgo := b.addEnv(orDefault(kb.Env, stringList(c.DefaultEnv)))
	t := &templates{}
	b.addFlags(orDefault(kb.Flags, c.DefaultFlags), cgo, t)
	b.addLdflags(orDefault(kb.Ldflags, c.DefaultLdflags), t)
	b.addCapabilities(kb.LinuxCapabilities)
	return b, nil
}

func orDot(p string) string {
	if p == "" {
		return "."
	}
	return p
}

func orDefault[L ~[]string](own, fallback L) []string {
	if len(own) > 0 {
		return own
	}
	return fallback
}

// platformEnv are the variables that choose what the binary is built for.
var platformEnv = []string{"GOOS", "GOARCH", "GOARM", "GOARM64", "GOAMD64", "GO386", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM"}

// downloadEnv are the variables that say how go fetches modules.
var downloadEnv = []string{"GOPROXY", "GOPRIVATE", "GONOPROXY", "GONOSUMDB", "GONOSUMCHECK", "GOSUMDB", "GOINSECURE", "GOVCS", "GOAUTH", "GOTOOLCHAIN"}

// addEnv notes the build's environment, none of which is a go_binary
// attribute, and reports whether it enables cgo.
func (b *Build) addEnv(env []string) (cgo bool) {
	for _, e := range env {
		name, value, ok := strings.Cut(e, "=")
		switch {
		case !ok:
			b.notCarried(e, "not NAME=value")
		case name == "CGO_ENABLED" && value == "0":
			cgo = false
			b.same(e, "go_image builds its binary as pure Go, without cgo")
		case name == "CGO_ENABLED" && value == "1":
			cgo = true
			b.notCarried(e, `go_image builds its binary as pure Go; to build with cgo as ko did, set pure = "off" on the go_image`)
		case name == "GOEXPERIMENT":
			b.notCarried(e, "rules_go sets experiments for the whole Go SDK: go_sdk.download(..., experiments = [%s]) in MODULE.bazel", quoteAll(strings.Split(value, ",")))
		case name == "GOFLAGS":
			b.notCarried(e, "list these under the build's flags, which ko2goimage carries")
		case slices.Contains(platformEnv, name):
			b.notCarried(e, "go_image builds for its platforms (goimage_platforms), and rules_go takes the architecture level from the platform, not the environment")
		case slices.Contains(downloadEnv, name):
			b.notCarried(e, "Bazel fetches modules with go_deps in MODULE.bazel, not when it builds the go_binary")
		case slices.Contains([]string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOTMPDIR", "GOENV"}, name):
			b.same(e, "Bazel keeps its own caches and temporary files")
		default:
			b.notCarried(e, "rules_go builds with a fixed environment; no attribute sets %s", name)
		}
	}
	return cgo
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// goFlagsWithValue are the go build flags whose value may be the next
// argument.
var goFlagsWithValue = []string{"C", "asmflags", "buildmode", "compiler", "covermode", "coverpkg", "gccgoflags", "gcflags",
	"installsuffix", "ldflags", "mod", "modfile", "o", "overlay", "p", "pgo", "pkgdir", "tags", "toolexec",
	"debug-actiongraph", "debug-runtime-trace", "debug-trace"}

// addFlags maps go build flags: -tags to gotags, -gcflags to gc_goopts,
// -race to race. As in go build, the last -tags wins.
func (b *Build) addFlags(flags []string, cgo bool, t *templates) {
	var gcflags []flagArg
	for i := 0; i < len(flags); i++ {
		setting := flags[i]
		name, value, hasValue := splitFlag(setting)
		if name != "" && !hasValue && slices.Contains(goFlagsWithValue, name) && i+1 < len(flags) {
			i++
			value, hasValue = flags[i], true
			setting += " " + value
		}
		marked, err := t.mark(value)
		switch {
		case name == "":
			b.notCarried(setting, "not a go build flag")
		case err != nil:
			b.notCarried(setting, "the template cannot be translated: %v", err)
		case hasMark(marked):
			b.notCarried(setting, "only x_defs take values known when building; %s cannot", flagAttr(name))
		case slices.Contains(goFlagsWithValue, name) && !hasValue:
			b.notCarried(setting, "the flag has no value")
		case name == "tags":
			b.addTags(setting, value)
		case name == "gcflags":
			gcflags = append(gcflags, flagArg{setting, value})
		case name == "trimpath":
			b.boolFlag(setting, value, hasValue, func(on bool) {
				if on {
					b.same(setting, "rules_go always trims file system paths from the binaries it builds")
				} else {
					b.notCarried(setting, "rules_go always trims file system paths from the binaries it builds")
				}
			})
		case name == "race":
			b.boolFlag(setting, value, hasValue, func(on bool) { b.addRace(setting, on, cgo) })
		case name == "ldflags":
			b.notCarried(setting, "list link flags under the build's ldflags, which ko2goimage carries")
		default:
			b.notCarried(setting, "rules_go has no attribute for it")
		}
	}
	b.addGcflags(gcflags)
}

func flagAttr(name string) string {
	switch name {
	case "tags":
		return "gotags"
	case "gcflags":
		return "gc_goopts"
	}
	return "go build flags"
}

// splitFlag splits "-name=value" or "--name" as Go's flag package does.
func splitFlag(arg string) (name, value string, hasValue bool) {
	if len(arg) < 2 || arg[0] != '-' {
		return "", "", false
	}
	name = strings.TrimPrefix(arg[1:], "-")
	if name == "" || name[0] == '-' || name[0] == '=' {
		return "", "", false
	}
	name, value, hasValue = strings.Cut(name, "=")
	return name, value, hasValue
}

func (b *Build) boolFlag(setting, value string, hasValue bool, use func(on bool)) {
	if !hasValue {
		use(true)
		return
	}
	on, err := strconv.ParseBool(value)
	if err != nil {
		b.notCarried(setting, "%q is not a boolean", value)
		return
	}
	use(on)
}

// addTags reads a -tags value as go build does: comma-separated, or in
// the old form, separated by spaces and quoted.
func (b *Build) addTags(setting, value string) {
	tags := []string{}
	if strings.ContainsAny(value, " '") {
		var err error
		if tags, err = splitQuoted(value); err != nil {
			b.notCarried(setting, "%v", err)
			return
		}
	} else {
		for _, tag := range strings.Split(value, ",") {
			if tag != "" {
				tags = append(tags, tag)
			}
		}
	}
	b.Gotags = tags
}

func (b *Build) addRace(setting string, on, cgo bool) {
	switch {
	case !on:
		b.Race = false
		b.same(setting, "rules_go builds without the race detector unless race is on")
	case cgo:
		b.Race = true
	default:
		b.notCarried(setting, "the race detector needs cgo, which the build's env does not enable (CGO_ENABLED=0 is ko's default), so go build refuses it")
	}
}

// flagArg is one go build flag: as the configuration has it, and its value.
type flagArg struct{ setting, value string }

// addGcflags maps the -gcflags that apply to the main package alone to
// gc_goopts. As in go build, the last one wins; one with a package
// pattern (all=-N -l) applies to other packages too, which gc_goopts
// cannot, so then none is carried.
func (b *Build) addGcflags(gcflags []flagArg) {
	if len(gcflags) == 0 {
		return
	}
	for _, f := range gcflags {
		if f.value != "" && !strings.HasPrefix(f.value, "-") {
			for _, f := range gcflags {
				b.notCarried(f.setting, "a -gcflags with a package pattern applies to those packages; gc_goopts applies to the binary's own package, and --@rules_go//go/config:gc_goopts to every package")
			}
			return
		}
	}
	last := gcflags[len(gcflags)-1]
	for _, f := range gcflags[:len(gcflags)-1] {
		b.notCarried(f.setting, "a later -gcflags replaces it, as in go build")
	}
	opts, err := splitQuoted(last.value)
	if err != nil {
		b.notCarried(last.setting, "%v", err)
		return
	}
	for _, o := range opts {
		if !attrSafe(o) {
			b.notCarried(last.setting, "rules_go would split or expand %q in gc_goopts", o)
			return
		}
	}
	b.GcGoopts = opts
}

// attrSafe reports whether an option reaches the compiler or linker as is
// from gc_goopts or gc_linkopts, which rules_go splits like a shell and
// expands $(...) in.
func attrSafe(opt string) bool {
	return opt != "" && !strings.ContainsAny(opt, " \t\n\r'\"\\$")
}

// splitQuoted splits s at spaces, keeping '...' and "..." whole, as go
// build splits -ldflags and -gcflags.
func splitQuoted(s string) ([]string, error) {
	var fields []string
	for {
		s = strings.TrimLeft(s, " \t\n\r")
		if s == "" {
			return fields, nil
		}
		if quote := s[0]; quote == '"' || quote == '\'' {
			end := strings.IndexByte(s[1:], quote)
			if end < 0 {
				return nil, fmt.Errorf("unterminated %c string", quote)
			}
			fields = append(fields, s[1:end+1])
			s = s[end+2:]
			continue
		}
		end := strings.IndexAny(s, " \t\n\r")
		if end < 0 {
			end = len(s)
		}
		fields = append(fields, s[:end])
		s = s[end:]
	}
}

var capabilityName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// addCapabilities carries ko's linux_capabilities to the go_image's
// capabilities, lower-case, as ko's configuration spells them
// (cap_net_bind_service or net_bind_service). ko also takes numbers and
// cap_from_text(3) clauses (cap_chown+ep), which name no capability alone.
func (b *Build) addCapabilities(caps []string) {
	for _, c := range caps {
		if !capabilityName.MatchString(c) {
			b.notCarried("linux_capabilities: "+c, "capabilities takes capability names, such as cap_net_bind_service; list the names")
			continue
		}
		b.Capabilities = append(b.Capabilities, strings.ToLower(c))
	}
}
