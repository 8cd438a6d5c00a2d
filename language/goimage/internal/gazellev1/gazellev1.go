// Package gazellev1 presents a language written on Gazelle v2's interfaces
// as the v1 language.Language that Gazelle 0.54 takes: gazelle_binary calls
// each language's NewLanguage, and update.Run takes v1 languages, which
// Gazelle then wraps back into v2 with compat.LanguageV2. This is the only
// place that knows the v1 interfaces; it goes once gazelle_binary calls
// NewV2 instead.
//
// The language is carried over whole except for indexing: v1's RuleIndex
// does not hand out the v2 index it wraps, so the language indexes no rule
// and its Resolve gets no index. The goimage language needs neither.
package gazellev1

import (
	"context"
	"flag"
	"log"

	"github.com/bazel-contrib/bazel-gazelle/v2/compat"
	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/label"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/resolve"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	languagev1 "github.com/bazelbuild/bazel-gazelle/language"
	"github.com/bazelbuild/bazel-gazelle/repo"
	resolvev1 "github.com/bazelbuild/bazel-gazelle/resolve"
)

// Language returns l as a v1 language. compat.LanguageWithDefaults makes
// a CompleteLanguage of a language that implements only some interfaces.
func Language(l compat.CompleteLanguage) languagev1.Language {
	return adapter{l}
}

type adapter struct {
	v2 compat.CompleteLanguage
}

var (
	_ languagev1.Language            = adapter{}
	_ languagev1.ModuleAwareLanguage = adapter{}
	_ languagev1.LifecycleManager    = adapter{}
)

// stopOn stops Gazelle on an error, as Gazelle v2 does; the v1 methods
// have no error to return it with.
func stopOn(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func (a adapter) Name() string { return a.v2.Name() }

func (a adapter) RegisterFlags(fs *flag.FlagSet, cmd string, c *config.Config) {
	a.v2.RegisterFlags(fs, cmd, c)
}

func (a adapter) CheckFlags(fs *flag.FlagSet, c *config.Config) error {
	return a.v2.CheckFlags(fs, c)
}

func (a adapter) KnownDirectives() []string { return a.v2.KnownDirectives() }

func (a adapter) Configure(c *config.Config, rel string, f *rule.File) {
	stopOn(a.v2.Configure(context.Background(), config.ConfigureArgs{Config: c, Rel: rel, File: f}))
}

func (a adapter) Kinds() map[string]rule.KindInfo { return a.v2.Kinds() }

func (a adapter) ApparentLoads(moduleToApparentName func(string) string) []rule.LoadInfo {
	return a.v2.ApparentLoads(moduleToApparentName)
}

// Loads is for Gazelles that do not call ApparentLoads: they see every
// module under its own name.
func (a adapter) Loads() []rule.LoadInfo {
	return a.v2.ApparentLoads(func(string) string { return "" })
}

func (a adapter) Fix(c *config.Config, f *rule.File) {
	stopOn(a.v2.Fix(context.Background(), language.FixArgs{Config: c, Rel: f.Pkg, File: f}))
}

func (a adapter) GenerateRules(args languagev1.GenerateArgs) languagev1.GenerateResult {
	res, err := a.v2.Generate(context.Background(), language.GenerateArgs{
		Config:       args.Config,
		Dir:          args.Dir,
		Rel:          args.Rel,
		File:         args.File,
		Subdirs:      args.Subdirs,
		RegularFiles: args.RegularFiles,
		GenFiles:     args.GenFiles,
		OtherEmpty:   args.OtherEmpty,
		OtherGen:     args.OtherGen,
	})
	stopOn(err)
	return languagev1.GenerateResult{Gen: res.Gen, Empty: res.Empty, Imports: res.Imports, RelsToIndex: res.RelsToIndex}
}

// Imports keeps every rule out of the index (see the package doc).
func (adapter) Imports(*config.Config, *rule.Rule, *rule.File) []resolve.ImportSpec { return nil }

func (adapter) Embeds(*rule.Rule, label.Label) []label.Label { return nil }

// Resolve leaves the v1 index behind (see the package doc).
//
//lint:ignore SA1019 the v1 language.Language interface that gazelle_binary takes names the v1 RuleIndex.
func (a adapter) Resolve(c *config.Config, _ *resolvev1.RuleIndex, rc *repo.RemoteCache, r *rule.Rule, imports any, from label.Label) {
	stopOn(a.v2.Resolve(context.Background(), resolve.ResolveArgs{Config: c, Rule: r, From: from, RemoteCache: rc, Imports: imports}))
}

func (a adapter) Before(ctx context.Context) { stopOn(a.v2.OnStart(ctx)) }

func (a adapter) DoneGeneratingRules() { stopOn(a.v2.OnResolve(context.Background())) }

func (a adapter) AfterResolvingDeps(ctx context.Context) { stopOn(a.v2.OnFinish(ctx)) }
