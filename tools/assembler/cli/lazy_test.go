package cli

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// pushAccountsBase pushes a two-layer linux/<host arch> base to the
// registry: /etc/passwd with the account app (1000) in its first layer, a
// file in its second. It returns the reference by digest and the layers.
func pushAccountsBase(t *testing.T, reg *testenv.Registry) (string, []v1.Layer) {
	t.Helper()
	var layers []v1.Layer
	for _, files := range []map[string]string{
		{"etc/passwd": "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/false\n", "etc/group": "root:x:0:\napp:x:1000:\n"},
		{"srv/data.txt": strings.Repeat("payload ", 4096)},
	} {
		layers = append(layers, tarLayer(t, files))
	}
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	img = testenv.ForLinux(t, img, runtime.GOARCH)
	ref, err := name.ParseReference(reg.Host + "/lazy/base:v1")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, img); err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return reg.Host + "/lazy/base@" + d.String(), layers
}

func tarLayer(t *testing.T, files map[string]string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for p, content := range files {
		if err := tw.WriteHeader(&tar.Header{Name: p, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	content := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func layerDigest(t *testing.T, l v1.Layer) v1.Hash {
	t.Helper()
	d, err := l.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A base imported with --lazy-layers costs its manifests and configs: no
// layer is fetched until something reads it. index-layer then reads each
// layer once, and the checks of a build on the base read the base's files
// from those indexes; a pack reads the layers from the registry.
func TestLazyLayersAreFetchedOnlyWhenRead(t *testing.T) {
	reg := testenv.StartMountingRegistry(t)
	ref, layers := pushAccountsBase(t, reg)
	dir := t.TempDir()
	lay := filepath.Join(dir, "base")
	meta := filepath.Join(dir, "import.json")
	runOK(t, "import", "--base", ref, "--lazy-layers", "--layout", lay, "--metadata", meta)

	var im struct {
		Repository   string   `json:"repository"`
		LayerBlobs   []string `json:"layer_blobs"`
		RemoteLayers []string `json:"remote_layers"`
		FSIndexes    []string `json:"fs_indexes"`
	}
	b, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &im); err != nil {
		t.Fatal(err)
	}
	if im.LayerBlobs == nil || im.FSIndexes == nil {
		t.Errorf("lazy import metadata: %s; want layer_blobs and fs_indexes as lists, empty, not null", b)
	}
	if len(im.LayerBlobs) != 0 || len(im.FSIndexes) != 0 || len(im.RemoteLayers) != len(layers) {
		t.Fatalf("lazy import metadata: %s; want no layer blobs and no file index, and %d remote layers", b, len(layers))
	}
	for _, l := range layers {
		h := layerDigest(t, l)
		if n := reg.BlobReads(t, h); n != 0 {
			t.Errorf("the lazy import fetched layer %s %d times, want 0", h, n)
		}
		if _, err := os.Stat(filepath.Join(lay, "blobs", "sha256", h.Hex)); err == nil {
			t.Errorf("the lazy import wrote layer %s", h)
		}
	}

	var indexes []string
	for _, l := range layers {
		h := layerDigest(t, l)
		out := filepath.Join(dir, "idx", h.Hex+".json")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		runOK(t, "index-layer", "--layout", lay, "--blobs-from", im.Repository, "--digest", h.String(), "--output", out)
		indexes = append(indexes, out)
		if n := reg.BlobReads(t, h); n != 1 {
			t.Errorf("index-layer fetched layer %s %d times, want 1", h, n)
		}
	}

	bin := testenv.GoBinary(t, testenv.HelloSource, "linux", runtime.GOARCH)
	build := func(user string) error {
		args := []string{"build", "--base", lay, "--binary", bin, "--platform", "linux/" + runtime.GOARCH, "--user", user,
			"--thin-layout", filepath.Join(dir, "app-"+user), "--check", "user=error"}
		for _, x := range indexes {
			args = append(args, "--base-layer-index", x)
		}
		_, err := runErr(args...)
		return err
	}
	if err := build("app"); err != nil {
		t.Errorf("building as the base's account app: %v", err)
	}
	wantError(t, build("ghost"), "ghost", "/etc/passwd")
	_, err = runErr("build", "--base", lay, "--binary", bin, "--platform", "linux/"+runtime.GOARCH, "--thin-layout", filepath.Join(dir, "partial"),
		"--base-layer-index", indexes[0])
	wantError(t, err, "no index of the files of layer 2 of 2")

	tarOut := filepath.Join(dir, "base.tar")
	runOK(t, "pack", "--layout", lay, "--blobs-from", im.Repository, "--output", tarOut)
	for _, l := range layers {
		if n := reg.BlobReads(t, layerDigest(t, l)); n != 2 {
			t.Errorf("after index-layer and pack, layer %s was fetched %d times, want 2", layerDigest(t, l), n)
		}
	}
	described := runOK(t, "inspect", tarOut)
	t.Logf("inspect of the packed base: %s", described)
}

// Without a registry to read them from, the layers of a lazy import are
// missing blobs, named as such; and a base from files is imported whole.
func TestLazyLayersWithoutTheirRegistryAreMissing(t *testing.T) {
	reg := testenv.StartMountingRegistry(t)
	ref, layers := pushAccountsBase(t, reg)
	lay := filepath.Join(t.TempDir(), "base")
	runOK(t, "import", "--base", ref, "--lazy-layers", "--layout", lay)
	_, err := runErr("pack", "--layout", lay, "--output", filepath.Join(t.TempDir(), "out.tar"))
	wantError(t, err, layerDigest(t, layers[0]).String())

	_, err = runErr("import", "--base", testenv.RandomImageLayout(t, 1), "--lazy-layers", "--layout", filepath.Join(t.TempDir(), "again"))
	wantError(t, err, "only a registry base can leave its layers where they are")
}

// A push of a lazily imported base needs none of its layers on disk: to
// another repository of the same registry they are mounted (never fetched),
// to another registry they are streamed from one to the other.
func TestPushOfLazyLayersMountsOrStreams(t *testing.T) {
	reg := testenv.StartMountingRegistry(t)
	ref, layers := pushAccountsBase(t, reg)
	lay := filepath.Join(t.TempDir(), "base")
	runOK(t, "import", "--base", ref, "--lazy-layers", "--layout", lay)
	repo := reg.Host + "/lazy/base"

	runOK(t, "push", "--layout", lay, "--blobs-from", repo, "--mount-from", repo, "--repository", reg.Host+"/lazy/copy", "--tag", "v1")
	for _, l := range layers {
		if n := reg.BlobReads(t, layerDigest(t, l)); n != 0 {
			t.Errorf("a push within the registry fetched layer %s %d times, want 0 (mounted)", layerDigest(t, l), n)
		}
	}

	other := testenv.StartMountingRegistry(t)
	runOK(t, "push", "--layout", lay, "--blobs-from", repo, "--repository", other.Host+"/elsewhere/base", "--tag", "v1")
	for _, l := range layers {
		h := layerDigest(t, l)
		if n := reg.BlobReads(t, h); n != 1 {
			t.Errorf("a push to another registry fetched layer %s %d times, want 1 (streamed)", h, n)
		}
		resp, err := http.Head("http://" + other.Host + "/v2/elsewhere/base/blobs/" + h.String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the other registry answers %s for layer %s, want 200 OK", resp.Status, h)
		}
	}
}
