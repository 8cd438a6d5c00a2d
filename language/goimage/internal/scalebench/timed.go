package main

import (
	"context"
	"time"

	"github.com/bazel-contrib/bazel-gazelle/v2/compat"
	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/language"
	"github.com/bazel-contrib/bazel-gazelle/v2/resolve"
)

// timed adds up in spent the time Gazelle spends in a language's own
// code, which the wall and CPU times of a whole run hide among Gazelle's
// work: the language's configuration, rule generation and resolution.
func timed(l compat.CompleteLanguage, spent *time.Duration) compat.CompleteLanguage {
	sw := stopwatch{spent}
	l.Configurer = timedConfigurer{l.Configurer, sw}
	l.Generator = timedGenerator{l.Generator, sw}
	l.Resolver = timedResolver{l.Resolver, sw}
	return l
}

type stopwatch struct{ spent *time.Duration }

func (s stopwatch) since(start time.Time) { *s.spent += time.Since(start) }

type timedConfigurer struct {
	config.Configurer
	sw stopwatch
}

func (t timedConfigurer) Configure(ctx context.Context, args config.ConfigureArgs) error {
	defer t.sw.since(time.Now())
	return t.Configurer.Configure(ctx, args)
}

type timedGenerator struct {
	language.Generator
	sw stopwatch
}

func (t timedGenerator) Generate(ctx context.Context, args language.GenerateArgs) (language.GenerateResult, error) {
	defer t.sw.since(time.Now())
	return t.Generator.Generate(ctx, args)
}

type timedResolver struct {
	resolve.Resolver
	sw stopwatch
}

func (t timedResolver) Resolve(ctx context.Context, args resolve.ResolveArgs) error {
	defer t.sw.since(time.Now())
	return t.Resolver.Resolve(ctx, args)
}
