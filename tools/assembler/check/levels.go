package check

import (
	"fmt"
	"strings"
)

// Level is what a check does with what it finds.
type Level string

const (
	// Off skips the check.
	Off Level = "off"
	// Warn prints what the check finds, and the build goes on.
	Warn Level = "warn"
	// Error fails the build.
	Error Level = "error"
)

// Levels sets checks' levels by name; a check it does not name runs at its
// default level. It is a flag.Value for a repeated NAME=LEVEL flag.
type Levels map[string]Level

// Set sets one check's level from "NAME=LEVEL".
func (l Levels) Set(spec string) error {
	name, level, ok := strings.Cut(spec, "=")
	if !ok {
		return fmt.Errorf("%q is not NAME=LEVEL, such as tzdata=off", spec)
	}
	if !known(name) {
		return fmt.Errorf("there is no check %q; the checks are %s", name, strings.Join(Names(), ", "))
	}
	switch Level(level) {
	case Off, Warn, Error:
		l[name] = Level(level)
		return nil
	}
	return fmt.Errorf("%q is not a level of check %s; the levels are off, warn and error", level, name)
}

// String lists every check's level, as NAME=LEVEL,...
func (l Levels) String() string {
	var out []string
	for _, c := range checks {
		out = append(out, c.name+"="+string(l.of(c)))
	}
	return strings.Join(out, ",")
}

// On reports whether the check name runs.
func (l Levels) On(name string) bool {
	for _, c := range checks {
		if c.name == name {
			return l.of(c) != Off
		}
	}
	return false
}

func (l Levels) of(c check) Level {
	if level, ok := l[c.name]; ok {
		return level
	}
	return c.level
}

// Names are the names of the checks, in the order they run.
func Names() []string {
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.name
	}
	return names
}

func known(name string) bool {
	for _, c := range checks {
		if c.name == name {
			return true
		}
	}
	return false
}
