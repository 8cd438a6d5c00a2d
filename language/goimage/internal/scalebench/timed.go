package main

import (
	"time"

	"github.com/bazel-contrib/bazel-gazelle/v2/label"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	"github.com/bazelbuild/bazel-gazelle/config"
	"github.com/bazelbuild/bazel-gazelle/language"
	"github.com/bazelbuild/bazel-gazelle/repo"
	"github.com/bazelbuild/bazel-gazelle/resolve"
)

// timedLanguage adds up the time Gazelle spends in a language's own code,
// which the wall and CPU times of a whole run hide among Gazelle's work.
type timedLanguage struct {
	language.Language
	spent *time.Duration
}

var _ language.ModuleAwareLanguage = timedLanguage{}

func (l timedLanguage) timed(start time.Time) { *l.spent += time.Since(start) }

func (l timedLanguage) Configure(c *config.Config, rel string, f *rule.File) {
	defer l.timed(time.Now())
	l.Language.Configure(c, rel, f)
}

func (l timedLanguage) GenerateRules(args language.GenerateArgs) language.GenerateResult {
	defer l.timed(time.Now())
	return l.Language.GenerateRules(args)
}

func (l timedLanguage) Resolve(c *config.Config, ix *resolve.RuleIndex, rc *repo.RemoteCache, r *rule.Rule, imports interface{}, from label.Label) {
	defer l.timed(time.Now())
	l.Language.Resolve(c, ix, rc, r, imports, from)
}

func (l timedLanguage) ApparentLoads(moduleToApparentName func(string) string) []rule.LoadInfo {
	return l.Language.(language.ModuleAwareLanguage).ApparentLoads(moduleToApparentName)
}
