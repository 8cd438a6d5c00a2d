package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// An image file names its files as an action sees them and as `bazel run`
// does: pack reads the same image through it from an exec root and from a
// runfiles tree, whatever the folder it runs in, as through --layout and
// --blob.
func TestImageFile(t *testing.T) {
	execRoot, runfiles := t.TempDir(), t.TempDir()
	app := filepath.Join(execRoot, "bazel-out", "bin", "app")
	os.MkdirAll(filepath.Join(app, "_image"), 0o755)
	src := filepath.Join(t.TempDir(), "data")
	os.WriteFile(src, []byte("served"), 0o644)
	descriptor := filepath.Join(app, "data.json")
	runOK(t, "layer", "--file", src+"=/srv/data", "--output", filepath.Join(app, "data.tar.gz"), "--descriptor", descriptor, "--quiet")
	runOK(t, "build", "--layer", descriptor, "--thin-layout", filepath.Join(app, "_image", "image"), "--quiet")

	// The layer's blob, as a base repository holds one: named by its digest.
	_, d, err := layer.ReadDescriptor(descriptor)
	if err != nil {
		t.Fatal(err)
	}
	blob := filepath.Join(execRoot, "external", "repo", "blobs", "sha256", d.Digest.Hex)
	os.MkdirAll(filepath.Dir(blob), 0o755)
	os.Rename(filepath.Join(app, "data.tar.gz"), blob)

	f := imageFile{
		Workspace: "_main",
		Self:      bazelFile{"bazel-out/bin/app/_image/image.json", "app/_image/image.json"},
		Layout:    bazelFile{"bazel-out/bin/app/_image/image", "app/_image/image"},
		Blobs:     []bazelFile{{"external/repo/blobs/sha256/" + d.Digest.Hex, "../repo/blobs/sha256/" + d.Digest.Hex}},
	}
	data, _ := json.Marshal(f)
	inExecRoot := filepath.Join(execRoot, f.Self.Path)
	os.WriteFile(inExecRoot, data, 0o644)
	for path, target := range map[string]string{
		"_main/app/_image/image.json": inExecRoot, "_main/app/_image/image": filepath.Join(execRoot, f.Layout.Path), "repo/blobs/sha256/" + d.Digest.Hex: blob,
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(runfiles, path)), 0o755)
		if err := os.Symlink(target, filepath.Join(runfiles, path)); err != nil {
			t.Fatal(err)
		}
	}

	out := t.TempDir()
	runOK(t, "pack", "--layout", filepath.Join(app, "_image", "image"), "--blob", blob, "--output", filepath.Join(out, "flags.tar"))
	runOK(t, "pack", "--image", inExecRoot, "--output", filepath.Join(out, "exec.tar"))
	runOK(t, "pack", "--image", filepath.Join(runfiles, "_main/app/_image/image.json"), "--output", filepath.Join(out, "runfiles.tar"))
	t.Chdir(execRoot)
	runOK(t, "pack", "--image", f.Self.Path, "--output", filepath.Join(out, "relative.tar"))
	want, _ := os.ReadFile(filepath.Join(out, "flags.tar"))
	for _, name := range []string{"exec.tar", "runfiles.tar", "relative.tar"} {
		if got, _ := os.ReadFile(filepath.Join(out, name)); len(want) == 0 || !bytes.Equal(got, want) {
			t.Errorf("pack --image wrote %s unlike pack --layout --blob", name)
		}
	}

	// An image on it, and an index over that, take it by its image file too.
	runOK(t, "build", "--base", f.Self.Path, "--layer", descriptor, "--thin-layout", filepath.Join(out, "on-it"), "--quiet")
	runOK(t, "index", "--image", f.Self.Path, "--thin", "--thin-layout", filepath.Join(out, "index"), "--quiet")

	// Messages name a base by the label its image file records, not by a
	// path in Bazel's output tree.
	labeled := f
	labeled.Label = "//app:base"
	data, _ = json.Marshal(labeled)
	os.WriteFile(inExecRoot, data, 0o644)
	_, err = runErr("build", "--base", f.Self.Path, "--layer", descriptor, "--platform", "linux/arm64", "--thin-layout", filepath.Join(out, "arm64"), "--quiet")
	wantError(t, err, "base //app:base: no image for platform linux/arm64 (it has: linux/amd64)")
	data, _ = json.Marshal(f)

	moved := filepath.Join(t.TempDir(), "image.json")
	os.WriteFile(moved, data, 0o644)
	_, err = runErr("pack", "--image", moved, "--output", filepath.Join(out, "moved.tar"))
	wantError(t, err, "image file "+moved+" is not where Bazel wrote it (bazel-out/bin/app/_image/image.json, or _main/app/_image/image.json in a runfiles tree)")
}
