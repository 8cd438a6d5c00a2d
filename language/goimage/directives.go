package goimage

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/bazel-contrib/bazel-gazelle/v2/label"

	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// What each directive accepts, as the log message for a bad value says it.
const (
	allowedEnabled    = `"on" or "off"`
	allowedBase       = `one label such as //base:image or @distroless//:image, or "scratch"`
	allowedRepository = `a repository such as registry.example.com/team/{binary}, with the placeholders {package} and {binary}`
	allowedTags       = `tags of letters, digits, "_", "." and "-" that start with a letter, digit or "_", at most 128 characters, separated by spaces or commas`
	allowedNaming     = `"auto", or a target name pattern that contains {binary}, such as {binary}_image`
	allowedUser       = `a user or uid, optionally with :group or :gid, such as nonroot or 65532:65532`
	allowedData       = `a folder inside the package, such as kodata`
	allowedSBOM       = `the label of a go.mod file, such as //:go.mod, or "off"`
	allowedRelease    = `a target name such as release, or nothing for no release`
)

// allowedPlatforms are the platforms the assembler's table supports.
var allowedPlatforms = "platforms among " + strings.Join(platform.Names(), ", ") + ", separated by spaces or commas"

// directiveError is a bad directive value: which directive, the value, what
// is wrong with it and what the directive accepts.
type directiveError struct {
	directive, value, problem, allowed string
}

func (e *directiveError) Error() string {
	return fmt.Sprintf("directive %s: invalid value %q: %s; allowed: %s", e.directive, e.value, e.problem, e.allowed)
}

func setEnabled(ic *imageConfig, _, value string) error {
	switch value {
	case "on":
		ic.enabled = true
	case "off":
		ic.enabled = false
	default:
		return &directiveError{enabledDirective, value, "not a switch", allowedEnabled}
	}
	return nil
}

// setBase stores the base as an absolute label, so that a relative label
// keeps naming the same target in the packages below.
func setBase(ic *imageConfig, rel, value string) error {
	if value == "" || value == "scratch" {
		ic.base = label.NoLabel
		return nil
	}
	if strings.ContainsAny(value, " \t,") {
		return &directiveError{baseDirective, value, "more than one label", allowedBase}
	}
	l, err := label.Parse(value)
	if err != nil {
		return &directiveError{baseDirective, value, "not a label", allowedBase}
	}
	ic.base = l.Abs("", rel)
	return nil
}

func setPlatforms(ic *imageConfig, _, value string) error {
	var platforms []string
	for _, p := range splitList(value) {
		// The assembler's table: the rules accept exactly these platforms too.
		if _, err := platform.Lookup(p); err != nil {
			return &directiveError{platformsDirective, value, err.(*platform.UnsupportedError).Problem, allowedPlatforms}
		}
		platforms = appendNew(platforms, p)
	}
	ic.platforms = platforms
	return nil
}

// Sample values for the placeholders, to check a repository template when
// the directive is read rather than for each image.
var sampleRepositoryValues = map[string]string{"package": "pkg", "binary": "bin"}

func setRepository(ic *imageConfig, _, value string) error {
	if value == "" {
		ic.repository = ""
		return nil
	}
	if _, err := expandRepository(value, sampleRepositoryValues); err != nil {
		return &directiveError{repositoryDirective, value, err.Error(), allowedRepository}
	}
	ic.repository = value
	return nil
}

var placeholderPattern = regexp.MustCompile(`\{[^{}]*\}`)

// expandRepository replaces the placeholders of a repository template and
// checks that the result is a repository a registry accepts.
func expandRepository(template string, values map[string]string) (string, error) {
	var unknown string
	repo := placeholderPattern.ReplaceAllStringFunc(template, func(p string) string {
		v, ok := values[strings.Trim(p, "{}")]
		if !ok && unknown == "" {
			unknown = p
		}
		return v
	})
	if unknown != "" {
		return "", fmt.Errorf("unknown placeholder %s", unknown)
	}
	if err := checkRepository(repo); err != nil {
		return "", err
	}
	return repo, nil
}

var (
	registryPattern  = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]+)?$`)
	componentPattern = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
)

// checkRepository checks a repository name as registries do (the grammar
// of the distribution project's reference package): an optional registry
// host, then path components of lowercase letters and digits joined by
// ".", "_", "__" or dashes.
func checkRepository(repo string) error {
	parts := strings.Split(repo, "/")
	if len(parts) > 1 && strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost" {
		if !registryPattern.MatchString(parts[0]) {
			return fmt.Errorf("%q is not a registry host", parts[0])
		}
		parts = parts[1:]
	}
	if len(parts) == 0 || len(repo) > 255 {
		return fmt.Errorf("%q is not a repository", repo)
	}
	for _, c := range parts {
		if !componentPattern.MatchString(c) {
			return fmt.Errorf("%q in %q is not a path component of lowercase letters and digits joined by \".\", \"_\" or \"-\"", c, repo)
		}
	}
	return nil
}

var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func setTags(ic *imageConfig, _, value string) error {
	var tags []string
	for _, t := range splitList(value) {
		if !tagPattern.MatchString(t) {
			return &directiveError{tagsDirective, value, fmt.Sprintf("%q is not a tag", t), allowedTags}
		}
		tags = appendNew(tags, t)
	}
	ic.tags = tags
	return nil
}

var targetNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.+=@~-]+$`)

func setNaming(ic *imageConfig, _, value string) error {
	if value == "" || value == "auto" {
		ic.naming = ""
		return nil
	}
	if !strings.Contains(value, "{binary}") {
		return &directiveError{namingDirective, value, "no {binary} in the pattern", allowedNaming}
	}
	if value == "{binary}" {
		return &directiveError{namingDirective, value, "the image would have its binary's name", allowedNaming}
	}
	if !targetNamePattern.MatchString(strings.ReplaceAll(value, "{binary}", "bin")) {
		return &directiveError{namingDirective, value, "not a target name", allowedNaming}
	}
	ic.naming = value
	return nil
}

var userPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$`)

func setUser(ic *imageConfig, _, value string) error {
	if value != "" && !userPattern.MatchString(value) {
		return &directiveError{userDirective, value, "not a user", allowedUser}
	}
	ic.user = value
	return nil
}

var folderPattern = regexp.MustCompile(`^[A-Za-z0-9_.+=@~/-]+$`)

func setData(ic *imageConfig, _, value string) error {
	if value == "" {
		ic.dataDir = ""
		return nil
	}
	clean := path.Clean(value)
	if !folderPattern.MatchString(value) || clean != value || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") || path.IsAbs(clean) {
		return &directiveError{dataDirective, value, "not a folder inside the package", allowedData}
	}
	ic.dataDir = value
	return nil
}

// setSBOM stores the go.mod as an absolute label, like setBase.
func setSBOM(ic *imageConfig, rel, value string) error {
	if value == "" || value == "off" {
		ic.sbomGoMod = label.NoLabel
		return nil
	}
	l, err := label.Parse(value)
	if err != nil || strings.ContainsAny(value, " \t,") {
		return &directiveError{sbomDirective, value, "not a label", allowedSBOM}
	}
	if !strings.HasSuffix(l.Name, ".mod") {
		return &directiveError{sbomDirective, value, "not a go.mod file", allowedSBOM}
	}
	ic.sbomGoMod = l.Abs("", rel)
	return nil
}

// splitList splits a directive value at spaces and commas.
func splitList(value string) []string {
	return strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// appendNew returns a new slice: list with s at the end unless it is there.
func appendNew(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list[:len(list):len(list)], s)
}

// targetName is what Bazel accepts as a target name, less the rare
// characters a generated target does not need.
var targetName = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.+=,@~-]*$`)

func setRelease(ic *imageConfig, _, value string) error {
	if value != "" && !targetName.MatchString(value) {
		return &directiveError{releaseDirective, value, "not a target name", allowedRelease}
	}
	ic.release = value
	return nil
}
