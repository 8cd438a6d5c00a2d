package layer

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func writeSource(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "src")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBuildIsReproducible(t *testing.T) {
	src := writeSource(t, "binary bytes")
	entries := []Entry{
		{Path: "/app/server", Kind: File, Source: src, Mode: 0o755},
		{Path: "/etc/motd", Kind: File, Source: src},
		{Path: "/app/current", Kind: Symlink, Target: "server"},
	}
	for _, c := range []Compression{Gzip, Zstd} {
		t.Run(string(c), func(t *testing.T) {
			a := buildBytes(t, entries, WithCompression(c))
			// Listing entries in another order must not change the bytes.
			reversed := []Entry{entries[2], entries[1], entries[0]}
			b := buildBytes(t, reversed, WithCompression(c))
			if !bytes.Equal(a, b) {
				t.Errorf("two builds of the same entries differ")
			}
		})
	}
}

func buildBytes(t *testing.T, entries []Entry, opts ...Option) []byte {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "layer")
	l, err := Build(entries, dest, opts...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	checkDigests(t, l)
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if d, _ := l.Digest(); d.Hex != hex.EncodeToString(sum[:]) {
		t.Errorf("Digest() = %s, blob hashes to %x", d, sum)
	}
	return b
}

// checkDigests verifies a layer's digests against its bytes: through
// validate.Layer for gzip (the only compression it reads), by hand for zstd.
func checkDigests(t *testing.T, l v1.Layer) {
	t.Helper()
	if mt, _ := l.MediaType(); mt != types.OCILayerZStd {
		if err := validate.Layer(l); err != nil {
			t.Fatalf("validate.Layer: %v", err)
		}
		return
	}
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatal(err)
	}
	if d, _ := l.DiffID(); d.Hex != hex.EncodeToString(h.Sum(nil)) {
		t.Errorf("DiffID() = %s, content hashes to %x", d, h.Sum(nil))
	}
}

type tarEntry struct {
	Name     string
	Type     byte
	Mode     int64
	Uid, Gid int
	ModTime  time.Time
	Linkname string
}

func TestBuildNormalizesEntries(t *testing.T) {
	src := writeSource(t, "x")
	dest := filepath.Join(t.TempDir(), "layer")
	l, err := Build([]Entry{
		{Path: "/app/bin/server", Kind: File, Source: src, Mode: 0o755},
		{Path: "app/link", Kind: Symlink, Target: "bin/server"},
	}, dest, WithModTime(time.Unix(1700000000, 0)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var got []tarEntry
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, tarEntry{h.Name, h.Typeflag, h.Mode, h.Uid, h.Gid, h.ModTime.UTC(), h.Linkname})
	}
	mt := time.Unix(1700000000, 0).UTC()
	want := []tarEntry{
		{"app/", tar.TypeDir, 0o755, 0, 0, mt, ""},
		{"app/bin/", tar.TypeDir, 0o755, 0, 0, mt, ""},
		{"app/bin/server", tar.TypeReg, 0o755, 0, 0, mt, ""},
		{"app/link", tar.TypeSymlink, 0o777, 0, 0, mt, "bin/server"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("layer entries (-want +got):\n%s", diff)
	}
}

func TestBuildRefusesBadPaths(t *testing.T) {
	src := writeSource(t, "x")
	for _, tc := range []struct{ path, wantErr string }{
		{"/../etc/passwd", "escapes the image root"},
		{"app/../../x", "escapes the image root"},
		{"/", "names the image root"},
		{"", "empty path"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "layer")
			_, err := Build([]Entry{{Path: tc.path, Kind: File, Source: src}}, dest)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Build(%q) error = %v, want one containing %q", tc.path, err, tc.wantErr)
			}
			if _, statErr := os.Stat(dest); !os.IsNotExist(statErr) {
				t.Errorf("a failed Build left %s behind", dest)
			}
		})
	}
}
