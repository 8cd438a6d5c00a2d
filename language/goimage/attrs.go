package goimage

import (
	"io/fs"
	"log"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/bazel-contrib/bazel-gazelle/v2/label"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/merger"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	bzl "github.com/bazelbuild/buildtools/build"
)

// newImage makes the go_image of one binary, with the attributes the
// directives in force ask for.
func newImage(args language.GenerateArgs, ic *imageConfig, bin, name string) *rule.Rule {
	r := rule.NewRule(imageKind, name)
	r.SetAttr(binaryAttr, ":"+bin)
	if ic.base != label.NoLabel && !ic.base.Equal(label.New("", args.Rel, name)) {
		r.SetAttr(baseAttr, ic.base.Rel("", args.Rel).String())
	}
	if len(ic.platforms) > 0 {
		r.SetAttr(platformsAttr, ic.platforms)
	}
	if repo := imageRepository(ic.repository, args.Rel, bin); repo != "" {
		r.SetAttr(repositoryAttr, repo)
	}
	if len(ic.tags) > 0 {
		r.SetAttr(remoteTagsAttr, ic.tags)
	}
	if ic.user != "" {
		r.SetAttr(userAttr, ic.user)
	}
	setImageData(r, args, ic.dataDir)
	if ic.sbomGoMod != label.NoLabel {
		r.SetAttr(sbomAttr, true)
		r.SetAttr(goModAttr, ic.sbomGoMod.Rel("", args.Rel).String())
	}
	// Like go_binary: images are what a package delivers, and other
	// packages use them, as a base for one. A package default wins.
	if args.File == nil || !args.File.HasDefaultVisibility() {
		r.SetAttr("visibility", []string{"//visibility:public"})
	}
	return r
}

var notInRepository = regexp.MustCompile(`[^a-z0-9._/-]+`)

// imageRepository expands the repository template for one image. Package
// paths and binary names are lowercased and other characters that
// registries refuse become "-". A template that gives no valid repository
// for this image is logged, and the image gets no repository.
func imageRepository(template, rel, bin string) string {
	if template == "" {
		return ""
	}
	values := map[string]string{
		"package": notInRepository.ReplaceAllString(strings.ToLower(rel), "-"),
		"binary":  notInRepository.ReplaceAllString(strings.ToLower(bin), "-"),
	}
	repo, err := expandRepository(template, values)
	if err != nil {
		log.Printf("%s: directive %s: value %q gives no repository for binary %q: %v; its image gets none", packageName(rel), repositoryDirective, template, bin, err)
		return ""
	}
	return repo
}

// setImageData sets data and data_strip_prefix when the data folder exists
// in the package and holds files. An empty folder gets nothing: Bazel may
// refuse a glob that matches no file.
func setImageData(r *rule.Rule, args language.GenerateArgs, dir string) {
	if dir != "" && holdsFiles(filepath.Join(args.Dir, filepath.FromSlash(dir))) {
		r.SetAttr(dataAttr, dataGlob{dir})
		r.SetAttr(dataStripPrefixAttr, dir)
		return
	}
	// Gazelle cannot merge a glob with nothing: tell it to drop the glob an
	// earlier run wrote into the image this one will merge into.
	if args.File == nil {
		return
	}
	old, _ := merger.Match(args.File.Rules, r, imageKinds[imageKind], kindAliases(args.Config, imageKind))
	if old != nil {
		if _, isCall := old.Attr(dataAttr).(*bzl.CallExpr); isCall {
			r.SetAttr(dataAttr, droppedValue{})
			r.SetPrivateAttr(droppedAttrsKey, []string{dataAttr})
		}
	}
}

// holdsFiles reports whether dir is a folder with at least one file below it.
func holdsFiles(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// dataGlob is the data attribute of goimage_data: glob(["<dir>/**"]).
// Gazelle merges lists and selects only, so it merges itself: it replaces
// the old value, or keeps it, comments and all, when it is the same.
type dataGlob struct{ dir string }

var (
	_ rule.BzlExprValue = dataGlob{}
	_ rule.Merger       = dataGlob{}
)

func (g dataGlob) BzlExpr() bzl.Expr {
	return rule.GlobValue{Patterns: []string{g.dir + "/**"}}.BzlExpr()
}

func (g dataGlob) Merge(other bzl.Expr) bzl.Expr {
	if glob, ok := rule.ParseGlobExpr(other); ok && len(glob.Excludes) == 0 && len(glob.Patterns) == 1 && glob.Patterns[0] == g.dir+"/**" {
		return other
	}
	return g.BzlExpr()
}

// droppedValue merges into nothing: the attribute is deleted. It is set only
// on rules that merge into an existing one, never inserted as is, and
// Resolve takes it off again before Gazelle's second merge.
type droppedValue struct{}

var (
	_ rule.BzlExprValue = droppedValue{}
	_ rule.Merger       = droppedValue{}
)

func (droppedValue) BzlExpr() bzl.Expr       { return &bzl.ListExpr{} }
func (droppedValue) Merge(bzl.Expr) bzl.Expr { return nil }
