package komigrate

import (
	"fmt"
	"strings"
)

// ModuleSnippet is what MODULE.bazel needs for the plan's bases: the
// goimage module extension pulling each one. A base that ko named by tag
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
		b.WriteString("\ngoimage.pull(\n")
		fmt.Fprintf(&b, "    name = %q,\n", base.Name)
		switch {
		case base.Digest != "" && base.Tag != "":
			fmt.Fprintf(&b, "    # ko used the tag %q, which pointed to this digest.\n", base.Tag)
			fmt.Fprintf(&b, "    image = %q,\n    digest = %q,\n", base.Image, base.Digest)
		case base.Digest != "":
			fmt.Fprintf(&b, "    image = %q,\n    digest = %q,\n", base.Image, base.Digest)
		default:
			fmt.Fprintf(&b, "    # ko used the tag %q: bazel shows the digest to pin here.\n", base.Tag)
			fmt.Fprintf(&b, "    image = %q,\n", base.Image+":"+base.Tag)
		}
		b.WriteString(")\n")
		names = append(names, fmt.Sprintf("%q", base.Name))
	}
	fmt.Fprintf(&b, "\nuse_repo(goimage, %s)\n", strings.Join(names, ", "))
	return b.String()
}
