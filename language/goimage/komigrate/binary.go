package komigrate

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	bzl "github.com/bazelbuild/buildtools/build"
)

// BuildEdit is what the migration does to the go_binary of one ko build.
type BuildEdit struct {
	Build   *Build
	Path    string     // the BUILD file of the main package; "" when the build has no attributes to set
	Rule    string     // the go_binary's name; "" when there is none to edit
	Problem string     // why nothing is carried: the package has no go_binary, or several
	Attrs   []AttrEdit // in the order x_defs, gotags, gc_goopts, gc_linkopts, race
}

// AttrEdit is one attribute, or one x_defs entry, of a go_binary.
type AttrEdit struct {
	Name  string    // "gotags", or `x_defs["main.version"]`
	Value string    // what ko says, as it reads in a BUILD file: ["netgo"]
	State AttrState //
	Kept  string    // with AttrKept, the go_binary's own value
}

// AttrState says what the migration does with an attribute.
type AttrState int

const (
	AttrSet        AttrState = iota // the migration sets it
	AttrAlreadySet                  // the go_binary has this value already
	AttrKept                        // the go_binary has another value, which stays
)

// editGoBinary sets the attributes of b on the one go_binary in the BUILD
// file content. A value the user set that differs from ko's stays: the
// edit reports it. The file is formatted when it changes.
func editGoBinary(path string, content []byte, b *Build) ([]byte, BuildEdit, error) {
	e := BuildEdit{Build: b, Path: path}
	f, err := bzl.ParseBuild(path, content)
	if err != nil {
		return nil, e, fmt.Errorf("%s: %w", path, err)
	}
	rules := f.Rules("go_binary")
	switch len(rules) {
	case 0:
		e.Problem = "the BUILD file has no go_binary; run Gazelle first (bazel run //:gazelle), then ko2goimage again"
		return content, e, nil
	case 1:
	default:
		var names []string
		for _, r := range rules {
			names = append(names, r.Name())
		}
		e.Problem = fmt.Sprintf("the BUILD file has %d go_binary rules (%s); ko2goimage sets attributes on the only one", len(rules), strings.Join(names, ", "))
		return content, e, nil
	}
	r := rules[0]
	e.Rule = r.Name()
	e.setXDefs(r, b.XDefs)
	e.setList(r, "gotags", b.Gotags)
	e.setList(r, "gc_goopts", b.GcGoopts)
	e.setList(r, "gc_linkopts", b.GcLinkopts)
	if b.Race {
		e.set(r, "race", &bzl.StringExpr{Value: "on"})
	}
	if !slices.ContainsFunc(e.Attrs, func(a AttrEdit) bool { return a.State == AttrSet }) {
		return content, e, nil
	}
	return bzl.Format(f), e, nil
}

func (e *BuildEdit) setList(r *bzl.Rule, name string, values []string) {
	if len(values) == 0 {
		return
	}
	list := &bzl.ListExpr{}
	for _, v := range values {
		list.List = append(list.List, &bzl.StringExpr{Value: v})
	}
	e.set(r, name, list)
}

// gazelleMerges are the go_binary attributes Gazelle's Go extension
// rewrites from the sources, deleting what it did not generate unless a
// "# keep" comment says otherwise.
var gazelleMerges = []string{"gc_goopts", "gc_linkopts"}

// set sets an attribute the go_binary does not have.
func (e *BuildEdit) set(r *bzl.Rule, name string, value bzl.Expr) {
	e.Attrs = append(e.Attrs, setAttr(r, name, value))
}

// setAttr sets an attribute the rule does not have, and says what it did:
// a value the user set that differs stays.
func setAttr(r *bzl.Rule, name string, value bzl.Expr) AttrEdit {
	a := AttrEdit{Name: name, Value: oneLine(value)}
	switch own := r.Attr(name); {
	case own == nil:
		r.SetAttr(name, value)
		if slices.Contains(gazelleMerges, name) {
			r.AttrDefn(name).Before = []bzl.Comment{{Token: "# keep: from the ko build"}}
		}
	case sameValue(own, value):
		a.State = AttrAlreadySet
	default:
		a.State, a.Kept = AttrKept, oneLine(own)
	}
	return a
}

// setXDefs adds ko's x_defs entries the go_binary does not have.
func (e *BuildEdit) setXDefs(r *bzl.Rule, defs map[string]string) {
	if len(defs) == 0 {
		return
	}
	own, isDict := r.Attr("x_defs").(*bzl.DictExpr)
	if r.Attr("x_defs") == nil {
		own, isDict = &bzl.DictExpr{ForceMultiLine: len(defs) > 1}, true
		r.SetAttr("x_defs", own)
	}
	names := make([]string, 0, len(defs))
	for n := range defs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		value := &bzl.StringExpr{Value: defs[n]}
		a := AttrEdit{Name: fmt.Sprintf("x_defs[%q]", n), Value: bzl.FormatString(value)}
		switch ownValue, found := dictValue(own, n); {
		case !isDict:
			a.State, a.Kept = AttrKept, "x_defs = "+oneLine(r.Attr("x_defs"))
		case !found:
			own.List = append(own.List, &bzl.KeyValueExpr{Key: &bzl.StringExpr{Value: n}, Value: value})
		case sameValue(ownValue, value):
			a.State = AttrAlreadySet
		default:
			a.State, a.Kept = AttrKept, oneLine(ownValue)
		}
		e.Attrs = append(e.Attrs, a)
	}
}

// dictValue returns the value of the entry whose key is the string key.
func dictValue(d *bzl.DictExpr, key string) (bzl.Expr, bool) {
	if d == nil {
		return nil, false
	}
	for _, kv := range d.List {
		if k, ok := kv.Key.(*bzl.StringExpr); ok && k.Value == key {
			return kv.Value, true
		}
	}
	return nil, false
}

// sameValue reports whether a BUILD file's value is the string or list of
// strings want, whatever its comments and layout.
func sameValue(own, want bzl.Expr) bool {
	if w, ok := want.(*bzl.StringExpr); ok {
		o, ok := own.(*bzl.StringExpr)
		return ok && o.Value == w.Value
	}
	o := bzl.Strings(own)
	return o != nil && slices.Equal(o, bzl.Strings(want))
}

// oneLine formats a value for a report line: a list of strings on one
// line, other values as Buildifier prints them, their lines joined.
func oneLine(x bzl.Expr) string {
	switch x := x.(type) {
	case *bzl.StringExpr:
		return bzl.FormatString(x)
	case *bzl.ListExpr:
		if bzl.Strings(x) != nil {
			items := make([]string, len(x.List))
			for i, item := range x.List {
				items[i] = bzl.FormatString(item)
			}
			return "[" + strings.Join(items, ", ") + "]"
		}
	}
	return strings.Join(strings.Fields(bzl.FormatString(x)), " ")
}
