package goimage

import (
	"log"
	"sort"
	"strings"

	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
)

const (
	releaseKind = "goimage_release"
	imagesAttr  = "images"
)

var releaseKindInfo = rule.KindInfo{
	NonEmptyAttrs:  map[string]bool{imagesAttr: true},
	MergeableAttrs: map[string]bool{imagesAttr: true},
}

// generatedImage is a go_image this run generated, with its repository.
type generatedImage struct {
	rel, name, repository string
}

// imageLedger records the images generated in each package. Gazelle
// generates a directory's subdirectories before the directory itself, so
// when a package with a goimage_release directive is generated, the images
// of every package below it are known.
type imageLedger struct {
	images []generatedImage
}

func (l *imageLedger) add(rel string, gen []*rule.Rule) {
	for _, r := range gen {
		if r.Kind() == imageKind {
			l.images = append(l.images, generatedImage{rel: rel, name: r.Name(), repository: r.AttrString(repositoryAttr)})
		}
	}
}

// below returns the images of package rel and the packages below it,
// ordered by package and name.
func (l *imageLedger) below(rel string) []generatedImage {
	var out []generatedImage
	for _, im := range l.images {
		if rel == "" || im.rel == rel || strings.HasPrefix(im.rel, rel+"/") {
			out = append(out, im)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].rel != out[j].rel {
			return out[i].rel < out[j].rel
		}
		return out[i].name < out[j].name
	})
	return out
}

// addRelease adds the package's goimage_release, listing the images below
// it that have a repository; without any, an empty rule, which deletes a
// release an earlier run wrote.
func addRelease(res *language.GenerateResult, args language.GenerateArgs, ic *imageConfig, ledger *imageLedger) {
	if ic.release == "" {
		return
	}
	images := map[string]string{}
	for _, im := range ledger.below(args.Rel) {
		key := "//" + im.rel + ":" + im.name
		if im.rel == args.Rel {
			key = ":" + im.name
		}
		if im.repository == "" {
			log.Printf("%s: directive %s: image %s has no repository, so release %s leaves it out; give it one with %s", packageName(args.Rel), releaseDirective, key, ic.release, repositoryDirective)
			continue
		}
		images[key] = im.repository
	}
	r := rule.NewRule(releaseKind, ic.release)
	if len(images) == 0 {
		log.Printf("%s: directive %s: no go_image with a repository in this package or below; release %s is not written", packageName(args.Rel), releaseDirective, ic.release)
		res.Empty = append(res.Empty, r)
		return
	}
	r.SetAttr(imagesAttr, images)
	res.Gen = append(res.Gen, r)
	res.Imports = append(res.Imports, nil)
}
