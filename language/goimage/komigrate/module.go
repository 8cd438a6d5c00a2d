package komigrate

import (
	"fmt"
	"strings"
)

// DigestCommand is the command that prints the digest a tag points to now,
// through the registry code PinDigests uses.
const DigestCommand = "bazel run @rules_goimage//language/goimage/cmd/ko2goimage -- -digest "

// ModuleSnippet is what MODULE.bazel needs for the plan's bases: the
// goimage module extension pulling each one, for a repository whose
// MODULE.bazel the migration does not edit. A base that ko named by tag
// and that PinDigests did not pin gets no digest: the extension refuses it
// and shows the digest to pin.
func (p *Plan) ModuleSnippet() string {
	if len(p.Bases) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("goimage = use_extension(\"@rules_goimage//rules:extensions.bzl\", \"goimage\")\n")
	var names []string
	for _, base := range p.Bases {
		b.WriteString("\n" + pullCall("goimage", base))
		names = append(names, fmt.Sprintf("%q", base.Name))
	}
	fmt.Fprintf(&b, "\nuse_repo(goimage, %s)\n", strings.Join(names, ", "))
	return b.String()
}

// pullCall is the goimage.pull of a base, through the extension's
// variable proxy, with comments that say where it comes from.
func pullCall(proxy string, base Base) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s.pull(\n", proxy)
	fmt.Fprintf(&b, "    name = %q,\n", base.Name)
	if base.KoDefault {
		b.WriteString("    # ko's default base: the ko configuration names none.\n")
	}
	switch {
	case base.Digest != "" && base.Tag != "":
		fmt.Fprintf(&b, "    # ko used the tag %q, which pointed to this digest.\n", base.Tag)
		fmt.Fprintf(&b, "    image = %q,\n    digest = %q,\n", base.Image, base.Digest)
	case base.Digest != "":
		fmt.Fprintf(&b, "    image = %q,\n    digest = %q,\n", base.Image, base.Digest)
	default:
		ref := base.Image + ":" + base.Tag
		fmt.Fprintf(&b, "    # ko used the tag %q: pin it with the digest that this prints\n", base.Tag)
		fmt.Fprintf(&b, "    # (bazel also shows it on the first build):\n")
		fmt.Fprintf(&b, "    #   %s%s\n", DigestCommand, ref)
		fmt.Fprintf(&b, "    image = %q,\n", ref)
	}
	b.WriteString(")\n")
	return b.String()
}
