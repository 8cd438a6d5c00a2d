package resolve

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func digest(c string) string { return "sha256:" + strings.Repeat(c, 64) }

var testRefs = Refs{
	"//app:image":                       "registry.example.com/app@" + digest("1"),
	"//sidecar:sidecar":                 "registry.example.com/sidecar@" + digest("2"),
	"ko://example.com/shop/cmd/migrate": "registry.example.com/migrate@" + digest("3"),
	"ko://example.com/shop/cmd/worker":  "registry.example.com/worker@" + digest("4"),
	"worker":                            "registry.example.com/worker@" + digest("4"),
}

// TestGolden rewrites testdata/*.in.yaml and compares with *.out.yaml: labels
// in every spelling, ko:// references, quoting kept, flow collections,
// several documents, comments, keys, block scalars and anchors left alone.
func TestGolden(t *testing.T) {
	in, err := os.ReadFile("testdata/deploy.in.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/deploy.out.yaml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := YAML("deploy.yaml", in, testRefs)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("resolved YAML differs (-want +got):\n%s", diff)
	}
}

func TestUnchangedWithoutReferences(t *testing.T) {
	// Label-shaped values that are no image: a protocol-relative URL, a
	// path with a doubled slash.
	in := "# only comments\nimage: nginx:1.25 # //app:image\nlist:\n- \"http://example.com//x\"\n" +
		"script: //cdn.example.com/lib.js\npaths: [data//file]\n"
	got, err := YAML("x.yaml", []byte(in), testRefs)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != in {
		t.Errorf("YAML changed a file without references:\n%s", got)
	}
}

func TestUnknownReferencesAreErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a: 1\n---\nimage: //app:other\n", `k8s.yaml:3: "//app:other" names no image of this goimage_resolve`},
		{"image: ko://example.com/shop/cmd/gone\n", `k8s.yaml:1: "ko://example.com/shop/cmd/gone" names no image`},
		{"image: \"//app:\\u0069mage\"\n", "k8s.yaml:1: the reference \"//app:image\" is written with escapes"},
		{"image: [unclosed\n", "k8s.yaml is not valid YAML"},
	} {
		_, err := YAML("k8s.yaml", []byte(tc.in), testRefs)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("YAML(%q) = %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"//app:image":          "//app:image",
		"@//app:image":         "//app:image",
		"@@//app:image":        "//app:image",
		"//app":                "//app:app",
		"//a/b/c":              "//a/b/c:c",
		"@other//app:image":    "@other//app:image",
		"@@other//app:image":   "@other//app:image",
		"@@other~//app:image":  "@other//app:image",
		"@@other+//app:image":  "@other//app:image",
		"@@_main~ext~r//a:b":   "@_main~ext~r//a:b",
		"ko://example.com/cmd": "ko://example.com/cmd",
		"worker":               "worker",
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}
