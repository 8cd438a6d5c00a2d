package goimage

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/bazel-contrib/bazel-gazelle/v2/config"
	"github.com/bazel-contrib/bazel-gazelle/v2/label"
	"github.com/bazel-contrib/bazel-gazelle/v2/rule"
	"github.com/google/go-cmp/cmp"
)

func TestDirectiveValues(t *testing.T) {
	for _, tc := range []struct {
		directive, rel, value string
		want                  imageConfig
	}{
		{enabledDirective, "", "off", imageConfig{}},
		{baseDirective, "a", "//base:image", imageConfig{enabled: true, base: label.New("", "base", "image")}},
		{baseDirective, "a/b", ":runtime", imageConfig{enabled: true, base: label.New("", "a/b", "runtime")}},
		{baseDirective, "a", "@distroless", imageConfig{enabled: true, base: label.New("distroless", "", "distroless")}},
		{baseDirective, "", "scratch", imageConfig{enabled: true}},
		{platformsDirective, "", "linux/amd64, linux/arm/v7 linux/amd64", imageConfig{enabled: true, platforms: []string{"linux/amd64", "linux/arm/v7"}}},
		{platformsDirective, "", "linux/arm64/v8 linux/s390x", imageConfig{enabled: true, platforms: []string{"linux/arm64/v8", "linux/s390x"}}},
		{repositoryDirective, "", "localhost:5000/{package}/{binary}", imageConfig{enabled: true, repository: "localhost:5000/{package}/{binary}"}},
		{tagsDirective, "", "latest,v1 latest", imageConfig{enabled: true, tags: []string{"latest", "v1"}}},
		{namingDirective, "", "{binary}.oci", imageConfig{enabled: true, naming: "{binary}.oci"}},
		{namingDirective, "", "auto", imageConfig{enabled: true}},
		{userDirective, "", "65532", imageConfig{enabled: true, user: "65532"}},
		{dataDirective, "", "static/files", imageConfig{enabled: true, dataDir: "static/files"}},
		{sbomDirective, "a", "//:go.mod", imageConfig{enabled: true, sbomGoMod: label.New("", "", "go.mod")}},
		{sbomDirective, "a/b", ":go.mod", imageConfig{enabled: true, sbomGoMod: label.New("", "a/b", "go.mod")}},
		{sbomDirective, "", "off", imageConfig{enabled: true}},
	} {
		t.Run(tc.directive+"="+tc.value, func(t *testing.T) {
			ic := imageConfig{enabled: true}
			if err := directiveSetters[tc.directive](&ic, tc.rel, tc.value); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, ic, cmp.AllowUnexported(imageConfig{})); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBadDirectiveValues(t *testing.T) {
	for _, tc := range []struct{ directive, value, problem string }{
		{enabledDirective, "true", "not a switch"},
		{baseDirective, "//a:b,//c:d", "more than one label"},
		{baseDirective, "@bad repo//:x", "more than one label"},
		{baseDirective, "//a:", "not a label"},
		{platformsDirective, "linux", `"linux" is not os/arch[/variant]`},
		{platformsDirective, "linux/arm/7", `"linux/arm/7" has a variant the Go toolchain does not build`},
		{platformsDirective, "windows/amd64", "not a linux platform"},
		{platformsDirective, "linux/loong64", `"linux/loong64" is not supported`},
		{platformsDirective, "linux/amd64/v2/x", "is not os/arch[/variant]"},
		{repositoryDirective, "registry.example.com/{binary", `"{binary" in`},
		{repositoryDirective, "registry.example.com//app", `"" in`},
		{repositoryDirective, "registry..example/app", `"registry..example" is not a registry host`},
		{repositoryDirective, "bad_host:port/app", "not a registry host"},
		{tagsDirective, strings.Repeat("x", 129), "is not a tag"},
		{namingDirective, "{binary}", "its binary's name"},
		{namingDirective, "{binary}:image", "not a target name"},
		{userDirective, ":0", "not a user"},
		{dataDirective, "/etc", "not a folder inside the package"},
		{dataDirective, "kodata/", "not a folder inside the package"},
		{dataDirective, "data/*", "not a folder inside the package"},
		{sbomDirective, "on", "not a go.mod file"},
		{sbomDirective, "//:go.mod //:other.mod", "not a label"},
		{sbomDirective, "//a:", "not a label"},
	} {
		t.Run(tc.directive+"="+tc.value, func(t *testing.T) {
			ic := imageConfig{enabled: true, user: "before"}
			err := directiveSetters[tc.directive](&ic, "", tc.value)
			if err == nil {
				t.Fatalf("no error; config %+v", ic)
			}
			msg := err.Error()
			for _, part := range []string{"directive " + tc.directive, fmt.Sprintf("invalid value %q", tc.value), tc.problem, "; allowed: "} {
				if !strings.Contains(msg, part) {
					t.Errorf("error %q does not contain %q", msg, part)
				}
			}
			if msg != strings.ToLower(msg[:1])+msg[1:] {
				t.Errorf("error %q does not start in lowercase", msg)
			}
			if diff := cmp.Diff(imageConfig{enabled: true, user: "before"}, ic, cmp.AllowUnexported(imageConfig{})); diff != "" {
				t.Errorf("a bad value changed the config (-want +got):\n%s", diff)
			}
		})
	}
}

// TestConfigureInherits checks that a directory starts from its parent's
// configuration and that its changes do not reach back into the parent.
func TestConfigureInherits(t *testing.T) {
	c := config.New()
	configure(t, c, "", buildFile(t, "", "# gazelle:goimage_platforms linux/amd64\n# gazelle:goimage_tags v1"))
	parent := getConfig(c)

	child := c.Clone()
	configure(t, child, "a", buildFile(t, "a", "# gazelle:goimage_platforms linux/amd64 linux/arm64\n# gazelle:goimage_tags v1 v2"))
	if diff := cmp.Diff([]string{"linux/amd64"}, parent.platforms); diff != "" {
		t.Errorf("parent platforms changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"v1"}, parent.tags); diff != "" {
		t.Errorf("parent tags changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"v1", "v2"}, getConfig(child).tags); diff != "" {
		t.Errorf("child tags (-want +got):\n%s", diff)
	}

	grandchild := child.Clone()
	configure(t, grandchild, "a/b", nil)
	if diff := cmp.Diff(getConfig(child), getConfig(grandchild), cmp.AllowUnexported(imageConfig{})); diff != "" {
		t.Errorf("a directory without BUILD file does not inherit (-parent +child):\n%s", diff)
	}
}

// TestConfigureLogsBadValues checks that a bad value is logged with the
// package and skipped, and that the directives after it still apply.
func TestConfigureLogsBadValues(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)
	c := config.New()
	configure(t, c, "svc", buildFile(t, "svc", "# gazelle:goimage_user root user\n# gazelle:goimage_tags v1"))
	if got := getConfig(c); got.user != "" || len(got.tags) != 1 {
		t.Errorf("config %+v: want no user and the tag v1", got)
	}
	if !strings.Contains(logs.String(), `//svc: directive goimage_user: invalid value "root user"`) {
		t.Errorf("log %q does not name the package, the directive and the value", logs.String())
	}
}

func TestKnownDirectivesAreHandled(t *testing.T) {
	known := (&goimageLang{}).KnownDirectives()
	if len(known) != len(directiveSetters) {
		t.Errorf("KnownDirectives lists %d directives, Configure handles %d", len(known), len(directiveSetters))
	}
	for _, d := range known {
		if directiveSetters[d] == nil {
			t.Errorf("directive %s is known but not handled", d)
		}
	}
}

// configure applies the directives of f, the BUILD file of package rel, to c.
func configure(t *testing.T, c *config.Config, rel string, f *rule.File) {
	t.Helper()
	if err := (&goimageLang{}).Configure(context.Background(), config.ConfigureArgs{Config: c, Rel: rel, File: f}); err != nil {
		t.Fatal(err)
	}
}

func buildFile(t *testing.T, pkg, content string) *rule.File {
	t.Helper()
	f, err := rule.LoadData(pkg+"/BUILD.bazel", pkg, []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
