package image

import (
	"strings"
	"testing"
)

func TestExpandEnv(t *testing.T) {
	base := []string{"PATH=/usr/bin:/bin", "HOME=/root", "EMPTY=", "X_1=x"}
	for _, tc := range []struct{ value, want string }{
		{"/app/bin:$PATH", "/app/bin:/usr/bin:/bin"},
		{"/app/bin:${PATH}", "/app/bin:/usr/bin:/bin"},
		{"$HOME/.config", "/root/.config"},
		{"${HOME}x", "/rootx"},
		{"$HOMEx", ""},
		{"$X_1-$X_1", "x-x"},
		{"$UNSET", ""},
		{"a${UNSET}b", "ab"},
		{`\$PATH`, "$PATH"},
		{`\${PATH}`, "${PATH}"},
		{`C:\dir`, `C:\dir`},
		{"cost: 5$", "cost: 5$"},
		{"$ 1", "$ 1"},
		{"$1", "$1"},
		{"${UNSET:-/default}", "/default"},
		{"${EMPTY:-/default}", "/default"},
		{"${HOME:-/default}", "/root"},
		{"${HOME:+set}", "set"},
		{"${EMPTY:+set}", ""},
		{"${UNSET:-$HOME/x}", "/root/x"},
		{"no variables", "no variables"},
		{`'$HOME' "$HOME"`, `'/root' "/root"`},
	} {
		got, err := ExpandEnv(tc.value, base)
		if err != nil || got != tc.want {
			t.Errorf("ExpandEnv(%q) = %q, %v; want %q", tc.value, got, err, tc.want)
		}
	}
}

func TestExpandEnvRefusesBadForms(t *testing.T) {
	for _, tc := range []struct{ value, want string }{
		{"${PATH", "no closing }"},
		{"${PATH:-x", "no closing }"},
		{"${}", "not followed by a variable name"},
		{"${PATH#/usr}", "${NAME:-WORD}"},
	} {
		_, err := ExpandEnv(tc.value, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.value) {
			t.Errorf("ExpandEnv(%q) = %v; want an error naming the value and mentioning %q", tc.value, err, tc.want)
		}
	}
}
