package build

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// The classes of hostile inputs and faults that docs/reliability.md lists,
// one test function a class; package cli tests what its flags add (paths
// that overlap) and a build interrupted by a signal.

// manyLayers writes a layout of an image of n one-file layers, by hand:
// go-containerregistry's layout writer takes time quadratic in the layers.
func manyLayers(t *testing.T, n int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "layout")
	os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755)
	cf := v1.ConfigFile{OS: "linux", Architecture: "amd64", RootFS: v1.RootFS{Type: "layers"}}
	m := v1.Manifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1}
	for i := 0; i < n; i++ {
		var content, blob bytes.Buffer
		tw := tar.NewWriter(&content)
		tw.WriteHeader(&tar.Header{Name: fmt.Sprintf("f%d", i), Mode: 0o644, Size: 1})
		tw.Write([]byte("x"))
		tw.Close()
		zw := gzip.NewWriter(&blob)
		zw.Write(content.Bytes())
		zw.Close()
		digest, size := writeBlob(t, dir, blob.Bytes())
		h, _ := v1.NewHash(digest)
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: types.OCILayer, Digest: h, Size: int64(size)})
		cf.RootFS.DiffIDs = append(cf.RootFS.DiffIDs, v1.Hash{Algorithm: "sha256", Hex: sha256Hex(content.Bytes())})
	}
	cfb, _ := json.Marshal(cf)
	digest, size := writeBlob(t, dir, cfb)
	m.Config = v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(size)}
	m.Config.Digest, _ = v1.NewHash(digest)
	mb, _ := json.Marshal(m)
	digest, size = writeBlob(t, dir, mb)
	os.WriteFile(filepath.Join(dir, "index.json"), []byte(fmt.Sprintf(`{"schemaVersion":2,"manifests":[{"mediaType":%q,"digest":%q,"size":%d}]}`, types.OCIManifestSchema1, digest, size)), 0o644)
	os.WriteFile(filepath.Join(dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644)
	return dir
}

// dataLayer writes a small layer and returns its descriptor.
func dataLayer(t *testing.T) string {
	t.Helper()
	src := filepath.Join(t.TempDir(), "data")
	writeFile(t, src, strings.Repeat("rules_goimage ", 100))
	return prebuiltLayer(t, []layer.Entry{{Path: "/etc/data", Kind: layer.File, Source: src, Mode: 0o644}}, nil)
}

// onBase is a build of the layer desc on base for linux/amd64, the
// platform of the bases these tests make.
func onBase(base, desc string, out Outputs) *Request {
	return &Request{Base: base, Platform: v1.Platform{OS: "linux", Architecture: "amd64"}, Layers: []string{desc}, Outputs: out}
}

// tarballOutput is an output of one tarball in a new folder.
func tarballOutput(t *testing.T) Outputs {
	return Outputs{Tarball: filepath.Join(t.TempDir(), "x.tar")}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Class 1: never remove what the build did not write.
func TestDataLoss(t *testing.T) {
	base := testenv.RandomImageLayout(t, 1)
	layer := dataLayer(t)
	t.Run("a folder that is not a layout", func(t *testing.T) {
		project := t.TempDir()
		writeFile(t, filepath.Join(project, "main.go"), "package main\n")
		err := buildErr(onBase(base, layer, Outputs{Layout: project}))
		wantError(t, err, project, "holds more than an image layout", "main.go", "give a new or empty folder")
		if _, err := os.Stat(filepath.Join(project, "main.go")); err != nil {
			t.Errorf("the project's file is gone: %v", err)
		}
	})
	t.Run("the parent folder", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "keep"), "x")
		t.Chdir(dir)
		wantError(t, buildErr(onBase(base, layer, Outputs{Layout: "."})), "holds more than an image layout")
		if _, err := os.Stat(filepath.Join(dir, "keep")); err != nil {
			t.Errorf("a file of the folder is gone: %v", err)
		}
	})
	t.Run("over a layout it wrote", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "out")
		buildOK(t, onBase(base, layer, Outputs{Layout: dir}))
		again := onBase(base, layer, Outputs{Layout: dir})
		again.Config.Env = []string{"A=b"}
		buildOK(t, again)
	})
}

// Class 2: every read of a layout stays beneath it, and no message tells
// about a file outside the inputs.
func TestReadingOutside(t *testing.T) {
	base := testenv.RandomImageLayout(t, 1)
	t.Run("a blob that is a symlink out of the layout", func(t *testing.T) {
		dir := copyDir(t, base)
		var idx struct{ Manifests []struct{ Digest string } }
		readJSONFile(t, filepath.Join(dir, "index.json"), &idx)
		var m struct{ Layers []struct{ Digest string } }
		readJSONFile(t, filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(idx.Manifests[0].Digest, "sha256:")), &m)
		blob := filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(m.Layers[0].Digest, "sha256:"))
		// The host file holds the very bytes: only where it is gives it away.
		outside := filepath.Join(t.TempDir(), "secret")
		os.Rename(blob, outside)
		os.Symlink(outside, blob)
		err := buildErr(onBase(dir, dataLayer(t), tarballOutput(t)))
		wantError(t, err, "leads out of", "cp -rL")
		if strings.Contains(err.Error(), outside) {
			t.Errorf("the message names the outside file: %v", err)
		}
	})
	for _, blob := range []string{"/etc/passwd", "../../etc/passwd"} {
		t.Run("a descriptor whose blob is "+blob, func(t *testing.T) {
			desc := filepath.Join(t.TempDir(), "layer.json")
			writeFile(t, desc, `{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:`+strings.Repeat("a", 64)+
				`","size":3,"diffID":"sha256:`+strings.Repeat("b", 64)+`","blob":"`+blob+`"}`)
			wantError(t, buildErr(onBase("scratch", desc, tarballOutput(t))), "not a path inside the descriptor's folder")
		})
	}
}

// Class 3: bounded work: FIFOs are refused before they are opened,
// thousands of layers cost linear time, and stale temporary files of a
// killed build go at the next one.
func TestBoundedWork(t *testing.T) {
	t.Run("a FIFO as binary or layer file", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		within(t, 20*time.Second, func() {
			err := buildErr(&Request{Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: fifo}, Outputs: Outputs{Tarball: filepath.Join(out, "x.tar")}})
			wantError(t, err, "not a regular file")
			_, err = layer.Build([]layer.Entry{{Path: "/etc/x", Kind: layer.File, Source: fifo}}, filepath.Join(out, "l.tar.gz"))
			wantError(t, err, "not a regular file")
		})
	})
	t.Run("ten thousand layers", func(t *testing.T) {
		base := manyLayers(t, 10000)
		within(t, 2*time.Minute, func() {
			buildOK(t, onBase(base, dataLayer(t), Outputs{ThinLayout: filepath.Join(t.TempDir(), "thin")}))
			buildOK(t, onBase(base, dataLayer(t), Outputs{Tarball: filepath.Join(t.TempDir(), "image.tar")}))
		})
	})
	t.Run("stale temporary files", func(t *testing.T) {
		out := t.TempDir()
		stale := filepath.Join(out, ".tmp-image.tar-2147480000-123")
		writeFile(t, stale, "left by a killed run")
		buildOK(t, onBase("scratch", dataLayer(t), Outputs{Tarball: filepath.Join(out, "image.tar")}))
		if _, err := os.Stat(stale); !os.IsNotExist(err) {
			t.Errorf("the stale temporary file of a run that is gone is still there")
		}
	})
}

// Class 4: layers that do not match their diff_id or media type, and
// layouts without a valid oci-layout file, are refused where they enter.
func TestBrokenImages(t *testing.T) {
	made := testenv.RandomImageLayout(t, 1)
	t.Run("a base whose config lies about a diff_id", func(t *testing.T) {
		dir := copyDir(t, made)
		rewriteConfig(t, dir, func(cf map[string]any) {
			cf["rootfs"].(map[string]any)["diff_ids"] = []string{"sha256:" + strings.Repeat("0", 64)}
		})
		wantError(t, buildErr(onBase(dir, dataLayer(t), tarballOutput(t))), "diff_id", "re-create the image")
		_, err := base.Import(context.Background(), dir, nil, filepath.Join(t.TempDir(), "imported"))
		wantError(t, err, "diff_id")
	})
	t.Run("a descriptor that lies about a diff_id", func(t *testing.T) {
		desc := rewriteDescriptor(t, dataLayer(t), func(d map[string]any) { d["diffID"] = "sha256:" + strings.Repeat("1", 64) })
		wantError(t, buildErr(onBase("scratch", desc, tarballOutput(t))), "diff_id")
	})
	t.Run("a layout without oci-layout", func(t *testing.T) {
		dir := copyDir(t, made)
		os.Remove(filepath.Join(dir, "oci-layout"))
		wantError(t, buildErr(onBase(dir, dataLayer(t), tarballOutput(t))), "no oci-layout file")
	})
	t.Run("a layout of another version", func(t *testing.T) {
		dir := copyDir(t, made)
		writeFile(t, filepath.Join(dir, "oci-layout"), `{"imageLayoutVersion":"2.0.0"}`)
		wantError(t, buildErr(onBase(dir, dataLayer(t), tarballOutput(t))), "imageLayoutVersion 1.0.0")
	})
}

// Class 5: the outputs of one build appear together or none does.
func TestPartialOutputs(t *testing.T) {
	out := t.TempDir()
	err := buildErr(onBase("scratch", dataLayer(t), Outputs{Tarball: filepath.Join(out, "image.tar"), DigestFile: filepath.Join(out, "missing", "digest")}))
	wantError(t, err, "digest")
	wantNoFiles(t, out)
}

// Class 6: each message names the input, what is wrong and the fix.
func TestClearMessages(t *testing.T) {
	t.Run("a directory as the tarball", func(t *testing.T) {
		dir := t.TempDir()
		wantError(t, buildErr(onBase("scratch", dataLayer(t), Outputs{Tarball: dir})), dir, "is a directory", "give a file path")
	})
	t.Run("a directory as the binary", func(t *testing.T) {
		err := buildErr(&Request{Base: "scratch", Platform: hostPlatform(), Binary: &Binary{File: t.TempDir()}, Outputs: tarballOutput(t)})
		wantError(t, err, "is a directory, not a file", "go_binary")
	})
	t.Run("a descriptor smaller than its blob", func(t *testing.T) {
		desc := rewriteDescriptor(t, dataLayer(t), func(d map[string]any) { d["size"] = d["size"].(float64) - 10 })
		wantError(t, buildErr(onBase("scratch", desc, tarballOutput(t))), "is longer than the", "bytes its descriptor says")
	})
}

// rewriteDescriptor changes a layer descriptor in place.
func rewriteDescriptor(t *testing.T, desc string, change func(map[string]any)) string {
	t.Helper()
	var d map[string]any
	readJSONFile(t, desc, &d)
	change(d)
	b, _ := json.Marshal(d)
	writeFile(t, desc, string(b))
	return desc
}

func within(t *testing.T, limit time.Duration, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("did not finish within %s", limit)
	}
}

func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	testenv.Run(t, "cp", "-a", src, dst)
	return dst
}

// rewriteConfig changes the config of the layout's image in place, and
// the manifest and index.json that name it, so only the change is wrong.
func rewriteConfig(t *testing.T, dir string, change func(map[string]any)) {
	t.Helper()
	blob := func(d string) string { return filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(d, "sha256:")) }
	var idx map[string]any
	readJSONFile(t, filepath.Join(dir, "index.json"), &idx)
	desc := idx["manifests"].([]any)[0].(map[string]any)
	var m map[string]any
	readJSONFile(t, blob(desc["digest"].(string)), &m)
	var cf map[string]any
	readJSONFile(t, blob(m["config"].(map[string]any)["digest"].(string)), &cf)
	change(cf)
	cfb, _ := json.Marshal(cf)
	m["config"].(map[string]any)["digest"], m["config"].(map[string]any)["size"] = writeBlob(t, dir, cfb)
	mb, _ := json.Marshal(m)
	desc["digest"], desc["size"] = writeBlob(t, dir, mb)
	ib, _ := json.Marshal(idx)
	os.WriteFile(filepath.Join(dir, "index.json"), ib, 0o644)
}

func writeBlob(t *testing.T, dir string, b []byte) (string, int) {
	t.Helper()
	h := sha256Hex(b)
	if err := os.WriteFile(filepath.Join(dir, "blobs", "sha256", h), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return "sha256:" + h, len(b)
}
