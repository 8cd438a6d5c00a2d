// Package goimage is a Gazelle extension that writes a go_image target for
// every Go binary of a repository, and keeps them in step as binaries come,
// go and move.
//
// # Configuration
//
// Directives in BUILD files configure the extension for their package and
// every package below it (config.go, directives.go). Each directory starts
// from a copy of its parent's configuration. A bad value is logged with what
// the directive accepts and skipped, so the directory keeps what it
// inherited and no BUILD file is written from a value that was not
// understood. docs/gazelle.md is the reference for users.
//
// # Rule generation
//
// The extension must come after Gazelle's Go language in gazelle_binary's
// languages: it reads the rules the Go language generated in this run
// (GenerateArgs.OtherGen and OtherEmpty) together with the BUILD file, and
// predicts with Gazelle's own merger which go_binary targets the package
// will have after the merge (binaries.go). Each one gets a go_image
// (generate.go), named "image" when it is the package's only binary and
// "<binary>_image" otherwise, or after the goimage_naming pattern. The
// attributes the directives control are set on it (attrs.go); they are
// mergeable, so they follow the directives on every run, and "# keep"
// protects a hand-written value.
//
// An existing go_image is matched by name or by its binary attribute, so an
// image written by hand under another name is updated rather than doubled,
// and keeps its name. An image whose binary, a target of the same package,
// no longer exists is emitted as an empty rule, which Gazelle deletes.
//
// # Releases
//
// A goimage_release directive makes the extension write a goimage_release
// target in its package that lists every go_image generated in that package
// and below, each with its repository (release.go). Gazelle generates a
// directory's subdirectories first, so the images below are known when the
// release is written; images are recorded as they are generated, which
// needs one language value per Gazelle run, as gazelle_binary makes.
//
// # Resolution
//
// go_image has no dependencies to resolve: its binary is in its own package
// and its base is named by a directive. The extension does not index or
// resolve anything.
//
// # Gazelle versions
//
// The language is written on Gazelle v2's interfaces (NewV2). Gazelle 0.54
// still takes a v1 language.Language from each language's NewLanguage, so
// NewLanguage wraps the language in the adapter of internal/gazellev1, the
// one place that knows the v1 interfaces.
package goimage

import (
	"github.com/bazel-contrib/bazel-gazelle/v2/compat"
	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/resolve"
	languagev1 "github.com/bazelbuild/bazel-gazelle/language"

	"github.com/rules-goimage/rules_goimage/language/goimage/internal/gazellev1"
)

const languageName = "goimage"

type goimageLang struct {
	// ledger records the images generated so far, for releases.
	ledger imageLedger
}

// The interfaces Gazelle finds on the language; compat.LanguageWithDefaults
// would quietly stand in for one whose method signature went wrong.
var (
	_ config.Configurer     = (*goimageLang)(nil)
	_ language.Generator    = (*goimageLang)(nil)
	_ compat.ApparentLoader = (*goimageLang)(nil)
	_ resolve.Resolver      = (*goimageLang)(nil)
)

// NewV2 returns the goimage Gazelle language on Gazelle v2's interfaces.
func NewV2() language.Language { return &goimageLang{} }

// NewLanguage returns the goimage Gazelle language as gazelle_binary and
// update.Run of Gazelle 0.54 take it: a v1 language.Language.
func NewLanguage() languagev1.Language {
	return gazellev1.Language(compat.LanguageWithDefaults(NewV2()))
}

func (*goimageLang) Name() string { return languageName }
