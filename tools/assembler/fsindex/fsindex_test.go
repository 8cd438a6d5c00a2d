package fsindex

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func layerOf(t *testing.T, entries map[string]string) *Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for name, content := range entries {
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(content))})
		tw.Write([]byte(content))
	}
	tw.Close()
	l, err := ReadLayer(&b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Layers apply in order: whiteouts remove what lower layers added, an
// opaque directory hides all it held, and the last /etc/passwd names the users.
func TestLayersApplyInOrder(t *testing.T) {
	x := New()
	x.Apply(layerOf(t, map[string]string{
		"etc/passwd":       "root:x:0:0::/root:/bin/sh\n",
		"usr/lib/libx.so":  "x",
		"opt/app/data.txt": "d",
		"tmp/gone":         "g",
	}))
	x.Apply(layerOf(t, map[string]string{
		"tmp/.wh.gone":         "",
		"opt/app/.wh..wh..opq": "",
		"etc/passwd":           "root:x:0:0::/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
	}))
	for p, want := range map[string]bool{"/usr/lib/libx.so": true, "/usr/lib": true, "/tmp/gone": false, "/opt/app/data.txt": false, "/opt/app": true} {
		if x.Has(p) != want {
			t.Errorf("Has(%s) = %v, want %v", p, !want, want)
		}
	}
	if x.Users["nonroot"] != "65532:65532" || len(x.Users) != 2 {
		t.Errorf("users %v, want root and nonroot", x.Users)
	}
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	y := New()
	if err := json.Unmarshal(b, y); err != nil || !y.Has("/usr/lib/libx.so") || y.Users["root"] != "0:0" {
		t.Errorf("the index does not read back: %v %s", err, b)
	}
	if !strings.Contains(string(b), `"/etc","/etc/passwd"`) {
		t.Errorf("paths are not sorted: %s", b)
	}
}

// A layer that adds a file below a folder that a lower layer has as a
// symlink (/lib -> usr/lib in merged-/usr bases) has that folder as a
// directory: the file is where the layer put it, and the link is gone.
func TestAddBelowALinkedFolder(t *testing.T) {
	x := New()
	x.Apply(&Layer{Adds: []string{"/usr/lib/libc.so.6", "/lib"}, Files: []string{"/usr/lib/libc.so.6"}, Links: map[string]string{"/lib": "usr/lib"}})
	if _, kind := x.Stat("/lib/libc.so.6"); kind != File {
		t.Fatalf("/lib/libc.so.6 through the link is %v, want a file", kind)
	}
	x.Apply(&Layer{Adds: []string{"/lib/x86_64-linux-gnu/libfoo.so.1"}, Files: []string{"/lib/x86_64-linux-gnu/libfoo.so.1"}})
	if _, kind := x.Stat("/lib/x86_64-linux-gnu/libfoo.so.1"); kind != File {
		t.Errorf("the added file is %v, want a file", kind)
	}
	if _, ok := x.Links["/lib"]; ok {
		t.Errorf("/lib is still a link, hiding the added file")
	}
	if _, kind := x.Stat("/usr/lib/libc.so.6"); kind != File {
		t.Errorf("/usr/lib/libc.so.6 is %v, want a file", kind)
	}
}
