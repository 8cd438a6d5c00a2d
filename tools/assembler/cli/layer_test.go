package cli

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// dataTree makes a host directory with a file, a subdirectory, an empty
// directory and a symlink.
func dataTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kodata")
	for _, d := range []string{"sub", "empty"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<h1>hi</h1>"), 0o600)
	os.WriteFile(filepath.Join(dir, "sub", "run.sh"), []byte("#!/bin/sh\n"), 0o700)
	if err := os.Symlink("index.html", filepath.Join(dir, "home.html")); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLayerAppendedAsBuilt(t *testing.T) {
	dir := t.TempDir()
	blob, desc := filepath.Join(dir, "data.tar.gz"), filepath.Join(dir, "data.json")
	printed := runOK(t, "layer", "--tree", dataTree(t)+"=/app/data", "--dir", "/var/cache/app:0700",
		"--symlink", "/app/current=/app/data", "--owner", "65532:65532", "--output", blob, "--descriptor", desc)
	_, d, err := layer.ReadDescriptor(desc)
	if err != nil {
		t.Fatal(err)
	}
	if d.Digest.String() != printed || d.Blob != "data.tar.gz" {
		t.Errorf("descriptor %+v; want digest %s (printed) and blob data.tar.gz", d, printed)
	}

	tag := testenv.UniqueName("layer")
	layout := filepath.Join(dir, "layout")
	runOK(t, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+hostArch(), "--layer", desc,
		"--tag", tag, "--layout", layout)
	m := layoutManifest(t, layout)
	if len(m.Layers) != 2 || m.Layers[0].Digest != d.Digest || m.Layers[0].Size != d.Size {
		t.Fatalf("image layers %+v; want the prebuilt layer %s unchanged, then the binary", m.Layers, d.Digest)
	}
	checkUnpackedTree(t, layout, testenv.ImageTag(tag))
}

// checkUnpackedTree unpacks the image with umoci and checks the layer's
// entries: kinds, modes (normalised), owners and the symlinks.
func checkUnpackedTree(t *testing.T, layout, ref string) {
	t.Helper()
	umoci := testenv.Tool(t, "umoci")
	bundle := filepath.Join(t.TempDir(), "bundle")
	testenv.Run(t, umoci, "unpack", "--image", layout+":"+ref, bundle)
	root := filepath.Join(bundle, "rootfs")
	for path, want := range map[string]struct {
		mode     os.FileMode
		uid, gid uint32
	}{
		"app/data/index.html": {0o644, 65532, 65532},
		"app/data/sub/run.sh": {0o755, 65532, 65532},
		"app/data/empty":      {os.ModeDir | 0o755, 65532, 65532},
		"var/cache/app":       {os.ModeDir | 0o700, 65532, 65532},
		"var/cache":           {os.ModeDir | 0o755, 0, 0},
		"app/data/home.html":  {os.ModeSymlink | 0o777, 65532, 65532},
		"app/current":         {os.ModeSymlink | 0o777, 65532, 65532},
	} {
		fi, err := os.Lstat(filepath.Join(root, path))
		if err != nil {
			t.Errorf("/%s: %v", path, err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode() != want.mode || st.Uid != want.uid || st.Gid != want.gid {
			t.Errorf("/%s: mode %v owner %d:%d, want %v %d:%d", path, fi.Mode(), st.Uid, st.Gid, want.mode, want.uid, want.gid)
		}
	}
	if target, _ := os.Readlink(filepath.Join(root, "app/current")); target != "/app/data" {
		t.Errorf("/app/current points at %q, want /app/data", target)
	}
}

func layoutManifest(t *testing.T, layout string) *v1.Manifest {
	t.Helper()
	var idx v1.IndexManifest
	readJSONFile(t, filepath.Join(layout, "index.json"), &idx)
	var m v1.Manifest
	readJSONFile(t, filepath.Join(layout, "blobs", "sha256", idx.Manifests[0].Digest.Hex), &m)
	return &m
}

func TestLayerFlagErrors(t *testing.T) {
	dir := t.TempDir()
	out := []string{"--output", filepath.Join(dir, "l"), "--descriptor", filepath.Join(dir, "l.json")}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--file", "nosep"}, "is not SRC=DEST[:MODE]"},
		{[]string{"--file", "a=/x:999"}, "is not an octal file mode"},
		{[]string{"--symlink", "/x"}, "is not DEST=TARGET"},
		{[]string{"--dir", "/x", "--owner", "root"}, "is not UID:GID"},
		{[]string{"--dir", "/../etc"}, "escapes the image root"},
		{[]string{"--dir", "/x", "--compression", "lz4"}, "use gzip or zstd"},
		{nil, "the layer would be empty"},
	} {
		_, err := runErr(append([]string{"layer"}, append(tc.args, out...)...)...)
		wantError(t, err, tc.want)
	}
	wantNoFiles(t, dir)
}
