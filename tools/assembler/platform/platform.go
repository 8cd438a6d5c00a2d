// Package platform is the one list of image platforms rules_goimage builds
// images for. The assembler checks platforms against it, the Gazelle
// extension accepts exactly these in goimage_platforms, and the Bazel rules
// read the same list from rules/private/platforms_table.bzl, which is
// generated from it (go run ./tools/assembler/gen).
//
// A platform is "os/arch" or "os/arch/variant". Some are spelled two ways by
// registries and engines ("linux/arm64" and "linux/arm64/v8"; "linux/arm"
// and "linux/arm/v7"); Normalize maps each to one spelling, so that matching
// a base's platforms does not depend on which one a tool wrote.
package platform

import (
	"fmt"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Target is an image platform that a Go binary can be built for.
type Target struct {
	// Image is the platform as images and indexes name it, "os/arch[/variant]".
	Image string
	// GoOS and GoArch are what the Go toolchain builds the binary for.
	GoOS, GoArch string
	// RulesGo names the rules_go platform that builds it:
	// @rules_go//go/toolchain:<RulesGo>.
	RulesGo string
}

// targets lists every supported platform. Variants are listed only where
// the Go toolchain builds them by default (GOARM=7, ARMv8): others would need
// GOARM or GOAMD64 settings that rules_go's platforms do not carry.
var targets = []Target{
	linux("386"),
	linux("amd64"),
	linux("arm"),
	linuxVariant("arm", "v7"),
	linux("arm64"),
	linuxVariant("arm64", "v8"),
	linux("mips64le"),
	linux("ppc64le"),
	linux("riscv64"),
	linux("s390x"),
}

func linux(arch string) Target {
	return Target{Image: "linux/" + arch, GoOS: "linux", GoArch: arch, RulesGo: "linux_" + arch}
}

func linuxVariant(arch, variant string) Target {
	t := linux(arch)
	t.Image += "/" + variant
	return t
}

// All returns every supported platform, in a stable order.
func All() []Target { return append([]Target(nil), targets...) }

// Names returns the supported platforms as "os/arch[/variant]", sorted.
func Names() []string {
	out := make([]string, 0, len(targets))
	for _, t := range targets {
		out = append(out, t.Image)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the supported platform named s, such as "linux/arm64", or
// an *UnsupportedError that says what is wrong with s and lists the
// supported ones.
func Lookup(s string) (Target, error) {
	for _, t := range targets {
		if t.Image == s {
			return t, nil
		}
	}
	return Target{}, &UnsupportedError{Name: s, Problem: problem(s)}
}

// UnsupportedError is a platform rules_goimage cannot build images for.
type UnsupportedError struct {
	Name string
	// Problem says what is wrong with Name, without the list of supported
	// platforms.
	Problem string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s; supported: %s", e.Problem, strings.Join(Names(), ", "))
}

func problem(s string) string {
	parts := strings.Split(s, "/")
	switch {
	case len(parts) < 2 || len(parts) > 3 || slicesHasEmpty(parts):
		return fmt.Sprintf("platform %q is not os/arch[/variant]", s)
	case parts[0] != "linux":
		return fmt.Sprintf("platform %q is not a linux platform: images of Go binaries run on linux", s)
	case len(parts) == 3 && isArch(parts[1]):
		return fmt.Sprintf("platform %q has a variant the Go toolchain does not build by default", s)
	}
	return fmt.Sprintf("platform %q is not supported", s)
}

func slicesHasEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

func isArch(arch string) bool {
	for _, t := range targets {
		if t.GoArch == arch {
			return true
		}
	}
	return false
}

// Parse returns the supported platform named s as a v1.Platform.
func Parse(s string) (v1.Platform, error) {
	t, err := Lookup(s)
	if err != nil {
		return v1.Platform{}, err
	}
	p, err := v1.ParsePlatform(t.Image)
	if err != nil {
		return v1.Platform{}, err
	}
	return *p, nil
}

// defaultVariants are the variants a platform without one means.
var defaultVariants = map[string]string{"arm64": "v8", "arm": "v7"}

// Normalize spells p the way this package compares platforms: the variant
// an architecture means by default is written out, so "linux/arm64" and
// "linux/arm64/v8" become the same.
func Normalize(p v1.Platform) v1.Platform {
	if p.Variant == "" {
		p.Variant = defaultVariants[p.Architecture]
	}
	return p
}

// Satisfies reports whether an image for have runs where want is asked for:
// same os and architecture, and the same variant once both are normalized.
// OS version and features are not compared, as docker does not.
func Satisfies(have, want v1.Platform) bool {
	h, w := Normalize(have), Normalize(want)
	return h.OS == w.OS && h.Architecture == w.Architecture && h.Variant == w.Variant
}

// String formats p as "os/arch[/variant]", with an empty os or architecture
// shown as "?" so that messages never print "/".
func String(p v1.Platform) string {
	os, arch := p.OS, p.Architecture
	if os == "" {
		os = "?"
	}
	if arch == "" {
		arch = "?"
	}
	s := os + "/" + arch
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}
