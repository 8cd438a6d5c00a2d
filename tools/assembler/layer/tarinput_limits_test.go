package layer

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusInput is the one []byte value of a Go fuzz corpus file.
func corpusInput(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, value, _ := strings.Cut(string(b), "\n")
	value = strings.TrimSuffix(strings.TrimSpace(value), ")")
	s, err := strconv.Unquote(strings.TrimPrefix(value, "[]byte("))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// The tars of FuzzTarInput's seed corpus, written by GNU tar, bsdtar, git
// archive and Python's tarfile, make layers, or are refused naming the
// entry a layer cannot hold and what to do.
func TestTarsFromRealTools(t *testing.T) {
	want := map[string]string{
		"bsdtar-gnutar.tar":                    "",
		"bsdtar-pax.tar":                       "",
		"bsdtar-sparse.tar":                    "sparse.img is a sparse file (tar --sparse), which a layer cannot hold",
		"bsdtar-ustar.tar":                     "",
		"cpio-not-tar.cpio":                    "reading tar",
		"git-archive.tar":                      "",
		"gnu-sparse-longnames.tar":             "entry sparse.img is a sparse file (tar --sparse)",
		"gnu-tar-longnames-hardlink-chain.tar": "",
		"gnu-tar-oldgnu-devices.tar":           "",
		"gnu-tar-pax-xattrs-hardlinks.tar":     "",
		"gnu-tar-v7.tar":                       "",
		"pax-sparse.tar":                       "sparse.img is a sparse file (tar --sparse)",
		"python-gnu.tar":                       `entry contig has tar type '7', which an image layer cannot hold`,
		"python-hardlink-before-target.tar":    "hard link a points at b, which is not an earlier entry of the tar",
		"python-pax.tar":                       "",
		"python-pax.tar.gz":                    "",
		"python-ustar-escape.tar":              `entry "../../etc/passwd" escapes the image root`,
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzTarInput")
	for name, wantErr := range want {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(src, corpusInput(t, filepath.Join(dir, name)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Build(nil, filepath.Join(t.TempDir(), "layer"), WithTars(src))
			if wantErr == "" && err != nil {
				t.Errorf("refused: %v", err)
			}
			if wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), src)) {
				t.Errorf("got %v, want an error naming the tar and saying %q", err, wantErr)
			}
		})
	}
}

// A tar of more entries than maxTarEntries, or an entry whose header
// (PAX records) is larger than maxTarHeaderBytes, is refused naming the
// tar and the limit.
func TestTarLimits(t *testing.T) {
	write := func(headers ...*tar.Header) string {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, h := range headers {
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
		}
		tw.Close()
		p := filepath.Join(t.TempDir(), "in.tar")
		os.WriteFile(p, b.Bytes(), 0o644)
		return p
	}
	saved := maxTarEntries
	maxTarEntries = 100
	defer func() { maxTarEntries = saved }()
	var many []*tar.Header
	for i := 0; i <= maxTarEntries; i++ {
		many = append(many, &tar.Header{Name: "d" + strconv.Itoa(i) + "/", Typeflag: tar.TypeDir, Mode: 0o755})
	}
	big := &tar.Header{Name: "f", Typeflag: tar.TypeReg, Mode: 0o644, Format: tar.FormatPAX,
		PAXRecords: map[string]string{"SCHILY.xattr.user.big": strings.Repeat("v", maxTarHeaderBytes)}}
	for _, tc := range []struct {
		name, src, want string
	}{
		{"entries", write(many...), "has more than 100 entries, the most a tar layer may hold; split it"},
		{"header", write(big), "entry f has a header (name, link and PAX records) of 65558 bytes, more than the 65536"},
	} {
		_, err := Build(nil, filepath.Join(t.TempDir(), "layer"), WithTars(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.src) {
			t.Errorf("%s: got %v, want an error naming the tar and saying %q", tc.name, err, tc.want)
		}
	}
	if _, err := Build(nil, filepath.Join(t.TempDir(), "layer"), WithTars(write(many[:maxTarEntries]...))); err != nil {
		t.Errorf("%d entries: %v", maxTarEntries, err)
	}
}
