package goimage

import (
	"sort"
	"testing"
)

// FuzzDirectiveValues feeds any value to every directive: it is taken or
// refused with an error that names the directive, never a panic.
func FuzzDirectiveValues(f *testing.F) {
	for _, v := range []string{"linux/amd64 linux/arm64", "//base:image", "registry.example.com/{package}/{binary}", "latest,v1", "{binary}_image", "65532:65532", "kodata", "//:go.mod", "off", ""} {
		f.Add(v)
	}
	names := make([]string, 0, len(directiveSetters))
	for n := range directiveSetters {
		names = append(names, n)
	}
	sort.Strings(names)
	f.Fuzz(func(t *testing.T, value string) {
		for _, n := range names {
			ic := &imageConfig{enabled: true}
			if err := directiveSetters[n](ic, "some/package", value); err != nil && err.Error() == "" {
				t.Errorf("%s %q failed without a message", n, value)
			}
		}
	})
}
