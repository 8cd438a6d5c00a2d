package platform

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct{ in, wantErr string }{
		{"linux/amd64", ""},
		{"linux/arm64/v8", ""},
		{"linux/arm/v7", ""},
		{"windows/amd64", "not a linux platform"},
		{"linux/arm/v6", "variant the Go toolchain does not build"},
		{"linux/amd64/v3", "variant the Go toolchain does not build"},
		{"linux/sparc", `platform "linux/sparc" is not supported`},
		{"linux", "not os/arch[/variant]"},
		{"linux//v7", "not os/arch[/variant]"},
	} {
		_, err := Lookup(tc.in)
		if (err == nil) != (tc.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("Lookup(%q) = %v, want error %q", tc.in, err, tc.wantErr)
		}
		if err != nil && !strings.Contains(err.Error(), "supported: linux/386, linux/amd64") {
			t.Errorf("Lookup(%q) error %q does not list the supported platforms", tc.in, err)
		}
	}
}

func TestSatisfiesTakesDefaultVariants(t *testing.T) {
	p := func(os, arch, variant string) v1.Platform {
		return v1.Platform{OS: os, Architecture: arch, Variant: variant}
	}
	for _, tc := range []struct {
		have, want v1.Platform
		ok         bool
	}{
		{p("linux", "arm64", "v8"), p("linux", "arm64", ""), true},
		{p("linux", "arm64", ""), p("linux", "arm64", "v8"), true},
		{p("linux", "arm", ""), p("linux", "arm", "v7"), true},
		{p("linux", "arm", "v6"), p("linux", "arm", "v7"), false},
		{p("linux", "amd64", ""), p("linux", "arm64", ""), false},
		{p("linux", "amd64", ""), p("windows", "amd64", ""), false},
	} {
		if got := Satisfies(tc.have, tc.want); got != tc.ok {
			t.Errorf("Satisfies(%s, %s) = %v, want %v", String(tc.have), String(tc.want), got, tc.ok)
		}
	}
}

func TestStringNeverPrintsEmptyParts(t *testing.T) {
	if got := String(v1.Platform{}); got != "?/?" {
		t.Errorf("String(empty) = %q, want ?/?", got)
	}
}
