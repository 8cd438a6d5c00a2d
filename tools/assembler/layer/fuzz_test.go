package layer

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseDescriptor feeds any bytes as a layer descriptor: refused or
// accepted, never a panic, and an accepted one names a blob inside its folder.
func FuzzParseDescriptor(f *testing.F) {
	f.Add([]byte(`{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:` + hex64("a") + `","size":3,"diffID":"sha256:` + hex64("b") + `","blob":"layer.tar.gz"}`))
	f.Add([]byte(`{"blob":"../x"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDescriptor(data)
		if err != nil {
			return
		}
		if d.Size < 0 || d.Blob == "" || d.Blob[0] == '/' {
			t.Errorf("accepted %+v", d)
		}
	})
}

func hex64(c string) string {
	s := ""
	for i := 0; i < 64; i++ {
		s += c
	}
	return s
}

// FuzzTarInput feeds any bytes as a --tar: refused, or written as a layer
// whose entries all stay below the root.
func FuzzTarInput(f *testing.F) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: "./etc/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "./etc/passwd", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
	tw.Write([]byte("a:x:1"))
	tw.WriteHeader(&tar.Header{Name: "./etc/link", Typeflag: tar.TypeLink, Linkname: "./etc/passwd"})
	tw.Close()
	f.Add(b.Bytes())
	f.Add([]byte{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0})
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		src := filepath.Join(dir, "in.tar")
		os.WriteFile(src, data, 0o644)
		dest := filepath.Join(dir, "layer")
		l, err := Build(nil, dest, WithTars(src))
		if err != nil {
			return
		}
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if err != nil {
				return
			}
			if _, err := cleanTarName(h.Name); err != nil || strings.HasPrefix(h.Name, "/") {
				t.Errorf("accepted entry %q", h.Name)
			}
		}
	})
}
