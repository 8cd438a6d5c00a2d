// Package check finds what would make an image fail only when it runs, from
// what the build knows: the image's config, the facts of its binaries
// (package gobinary, read where each binary entered a layer) and an index of
// its file system and of each of its own layers (package fsindex), never by
// reading the base's layers again.
//
// Each check has a name and a level: off, warn (the build prints what it
// finds) or error (the build fails). A path whose kind the index does not
// know passes every check: a check refuses only what it can see is wrong.
package check

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
)

// Image is what the checks look at.
type Image struct {
	// FS is the image's file system; nil when it is not known, and then
	// every check passes but those of the image's own layers.
	FS *fsindex.Index
	// Config is the image's config, the base's with the build's settings.
	Config v1.Config
	// Binaries are the facts of the binaries the build put in the image, by
	// their paths in it.
	Binaries map[string]*gobinary.Facts
	Platform v1.Platform
	// Layers are the image's own layers, bottom first, above the base's.
	Layers []Layer
}

// check is one check: find returns a message for each problem it finds,
// which names what is wrong and how to fix it.
type check struct {
	name  string
	level Level
	find  func(*Image) []string
	// ownLayers: the check reads the image's own layers only, and runs
	// when the base's files are not known too.
	ownLayers bool
}

// checks are every check, in the order they run.
var checks = []check{
	{"architecture", Error, architecture, true},
	{"base-architecture", Warn, baseArchitecture, false},
	{"dynamic", Error, dynamicLinks, false},
	{"entrypoint", Error, entrypoint, false},
	{"user", Error, user, false},
	{"ca-certificates", Warn, caCertificates, false},
	{"tzdata", Warn, tzdata, false},
}

// Run runs each check that levels does not turn off, and, when the image's
// file system is not known, only those that read its own layers. It returns what the
// checks at level warn found, one line each, and an error that holds what
// the checks at level error found.
func Run(img *Image, levels Levels) (warnings []string, err error) {
	var errs []string
	for _, c := range checks {
		level := levels.of(c)
		if level == Off || (img.FS == nil && !c.ownLayers) {
			continue
		}
		for _, msg := range c.find(img) {
			msg = fmt.Sprintf("%s (--check %s=off turns this check off)", msg, c.name)
			if level == Error {
				errs = append(errs, msg)
			} else {
				warnings = append(warnings, msg)
			}
		}
	}
	if len(errs) > 0 {
		return warnings, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return warnings, nil
}
