package check

import (
	"archive/tar"
	"bytes"
	"os"
	"runtime"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// elfLayer is a layer of real files: name=content pairs, where content
// "ELF" is this test's own binary, an ELF file of the host's architecture.
func elfLayer(t *testing.T, files ...string) *fsindex.Layer {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("this test's binary is not an ELF file")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i := 0; i < len(files); i += 2 {
		content := []byte(files[i+1])
		if files[i+1] == "ELF" {
			content = bin
		}
		tw.WriteHeader(&tar.Header{Name: files[i], Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(content))})
		tw.Write(content)
	}
	tw.Close()
	l, err := fsindex.ReadLayer(&b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// otherArch is a platform whose binaries the host's are not.
func otherArch() v1.Platform {
	if runtime.GOARCH == "arm64" {
		return v1.Platform{OS: "linux", Architecture: "amd64"}
	}
	return v1.Platform{OS: "linux", Architecture: "arm64"}
}

func host() v1.Platform { return v1.Platform{OS: "linux", Architecture: runtime.GOARCH} }

func TestArchitecture(t *testing.T) {
	tools := Layer{Name: `tools.json ("files /usr/bin/tool")`, FS: elfLayer(t, "usr/bin/tool", "ELF", "usr/bin/run.sh", "#!/bin/sh\n")}
	libs := Layer{Name: "libs.json", FS: elfLayer(t, "usr/lib/a.so", "ELF", "usr/lib/b.so", "ELF", "usr/lib/c.so", "ELF", "usr/lib/d.so", "ELF")}
	scriptOverTool := Layer{Name: "script.json", FS: elfLayer(t, "usr/bin/tool", "#!/bin/sh\nexit 0\n")}
	toolAgain := Layer{Name: "again.json", FS: elfLayer(t, "usr/bin/tool", "ELF")}
	other := otherArch()
	x86, _ := platform.ELFOf("386")
	i386 := Layer{Name: "i386.json", FS: &fsindex.Layer{Adds: []string{"/usr/lib/i386/libx.so"}, ELF: map[string]platform.ELF{"/usr/lib/i386/libx.so": x86}}}
	for _, tc := range []struct {
		name     string
		platform v1.Platform
		layers   []Layer
		want     []string
	}{
		{"another platform's tool", other, []Layer{tools}, []string{
			`layer tools.json ("files /usr/bin/tool") holds the ELF file /usr/bin/tool for linux/` + runtime.GOARCH,
			"but the image is " + other.String(), "exec format error", "built for each image platform", "select()"}},
		{"the platform's own tool", host(), []Layer{tools}, nil},
		{"many files are counted", other, []Layer{libs}, []string{"layer libs.json holds 4 ELF files, /usr/lib/a.so, /usr/lib/b.so, /usr/lib/c.so and 1 more"}},
		{"a layer above replaces it", other, []Layer{tools, scriptOverTool}, nil},
		{"the topmost layer that gives it is named", other, []Layer{tools, toolAgain}, []string{"layer again.json holds the ELF file /usr/bin/tool"}},
		{"a 32-bit x86 file in an amd64 image", v1.Platform{OS: "linux", Architecture: "amd64"}, []Layer{i386}, []string{"holds the ELF file /usr/lib/i386/libx.so for linux/386, but the image is linux/amd64"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The check needs no index of the base's files.
			got := run(t, "architecture", &Image{Platform: tc.platform, Layers: tc.layers})
			wantFinding(t, tc.name, got, tc.want...)
		})
	}
}

// A base's files of another architecture are its own: the image's check
// leaves them to base-architecture, which warns by default.
func TestBaseArchitecture(t *testing.T) {
	base := fsindex.New()
	base.Apply(elfLayer(t, "bin/sh", "ELF", "usr/bin/tool", "ELF"))
	own := []Layer{{Name: "tool.json", FS: elfLayer(t, "usr/bin/tool", "#!/bin/sh\n")}}
	img := &Image{FS: base, Platform: otherArch(), Layers: own}
	for _, l := range own {
		img.FS.Apply(l.FS)
	}
	wantFinding(t, "architecture", run(t, "architecture", img))
	wantFinding(t, "base-architecture", run(t, "base-architecture", img),
		"the base holds the ELF file /bin/sh for linux/"+runtime.GOARCH, "Use a base whose image for "+otherArch().String())
	warnings, err := Run(img, Levels{})
	if err != nil || len(warnings) != 1 {
		t.Errorf("by default, Run = %q, %v; want one warning, of base-architecture", warnings, err)
	}
	img.Platform = host()
	wantFinding(t, "base-architecture on the host's platform", run(t, "base-architecture", img))
}
