package layer

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// tarTree is a folder of files with owners, modes and times to tar up with
// GNU tar, as a genrule or a checked-in tarball would hold them.
func tarTree(t *testing.T, mtime time.Time) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"etc/passwd":          "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
		"usr/share/app/a.txt": "a",
		"usr/bin/tool":        "#!/bin/sh\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(filepath.Join(dir, "usr/bin/tool"), os.ModeSetuid|0o750)
	os.Symlink("tool", filepath.Join(dir, "usr/bin/tool-link"))
	os.Link(filepath.Join(dir, "usr/share/app/a.txt"), filepath.Join(dir, "usr/share/app/b.txt"))
	filepath.Walk(dir, func(p string, _ os.FileInfo, _ error) error {
		os.Chtimes(p, mtime, mtime)
		return nil
	})
	return dir
}

// gnuTar runs GNU tar on dir with owners 1234:5678 and extra flags, and
// returns the plain tar.
func gnuTar(t *testing.T, dir string, extra ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "layer.tar")
	args := append([]string{"--sort=name", "--owner=1234", "--group=5678", "--numeric-owner", "-C", dir, "-cf", out}, extra...)
	testenv.Run(t, testenv.Tool(t, "tar"), append(args, ".")...)
	return out
}

// compress runs a real compressor (gzip or zstd) with args on a copy of src.
func compress(t *testing.T, src, tool string, args ...string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	b, _ := os.ReadFile(src)
	os.WriteFile(dst, b, 0o644)
	testenv.Run(t, testenv.Tool(t, tool), append(args, dst)...)
	ext := map[string]string{"gzip": ".gz", "zstd": ".zst"}[tool]
	if tool == "zstd" {
		os.Remove(dst)
	}
	return dst + ext
}

func buildTarLayer(t *testing.T, entries []Entry, opts ...Option) (*fileLayer, *fsindex.Layer, []byte) {
	t.Helper()
	fs := &fsindex.Layer{}
	dest := filepath.Join(t.TempDir(), "layer.blob")
	l, err := Build(entries, dest, append(opts, WithFSLayer(fs))...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	return l.(*fileLayer), fs, b
}

func sha256Of(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// A compressed tar whose times are fixed, as reproducible writers make it
// (gzip -n, zstd), is the layer byte for byte.
func TestReproducibleCompressedTarIsKept(t *testing.T) {
	plain := gnuTar(t, tarTree(t, time.Unix(0, 0)), "--mtime=@0")
	plainBytes, _ := os.ReadFile(plain)
	for _, c := range []struct {
		name, tool string
		args       []string
		mediaType  types.MediaType
	}{
		{"gzip -n", "gzip", []string{"-n", "-9"}, types.OCILayer},
		{"zstd", "zstd", []string{"-q", "--rm"}, types.OCILayerZStd},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := compress(t, plain, c.tool, c.args...)
			l, fs, blob := buildTarLayer(t, nil, WithTars(src))
			in, _ := os.ReadFile(src)
			if !bytes.Equal(blob, in) {
				t.Fatalf("the blob is not the tar's bytes: %d bytes, the tar has %d", len(blob), len(in))
			}
			if l.digest.String() != sha256Of(in) || l.diffID.String() != sha256Of(plainBytes) || l.size != int64(len(in)) {
				t.Errorf("digest %s diff_id %s size %d, want %s %s %d", l.digest, l.diffID, l.size, sha256Of(in), sha256Of(plainBytes), len(in))
			}
			if l.mediaType != c.mediaType {
				t.Errorf("media type %s, want %s", l.mediaType, c.mediaType)
			}
			x := fsindex.New()
			x.Apply(fs)
			if !x.Has("/usr/bin/tool-link") || x.Users["nonroot"] != "65532:65532" {
				t.Errorf("the file system index lacks the tar's entries: %v", fs)
			}
		})
	}
}

// A tar written at build time (times of now, gzip's header time) gives the
// same layer whenever it was written, with its owners and modes.
func TestTarTimesAreClamped(t *testing.T) {
	var digests []string
	for _, when := range []time.Time{time.Now(), time.Now().Add(-48 * time.Hour)} {
		plain := gnuTar(t, tarTree(t, when))
		// gzip without -n records the file's time in its header.
		src := compress(t, plain, "gzip")
		os.Chtimes(src, when, when)
		l, _, blob := buildTarLayer(t, nil, WithTars(src))
		digests = append(digests, l.digest.String())
		for _, h := range readLayerTar(t, blob) {
			if h.ModTime.After(PortableMTime) {
				t.Errorf("%s: mtime %s, want at most %s", h.Name, h.ModTime, PortableMTime)
			}
			if h.Uid != 1234 || h.Gid != 5678 {
				t.Errorf("%s: owner %d:%d, want the tar's 1234:5678", h.Name, h.Uid, h.Gid)
			}
			if h.Name == "usr/bin/tool" && h.Mode&0o7777 != 0o4750 {
				t.Errorf("usr/bin/tool: mode %o, want the tar's 4750", h.Mode)
			}
			if h.Name == "usr/share/app/b.txt" && (h.Typeflag != tar.TypeLink || h.Linkname != "usr/share/app/a.txt") {
				t.Errorf("usr/share/app/b.txt: %q -> %q, want the hard link to usr/share/app/a.txt", h.Typeflag, h.Linkname)
			}
		}
	}
	if digests[0] != digests[1] {
		t.Errorf("the same files tarred at two times give layers %s and %s", digests[0], digests[1])
	}
}

func TestKeepTarMTimes(t *testing.T) {
	when := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	// --mtime: GNU tar gives the symlink that time too.
	src := gnuTar(t, tarTree(t, when), "--mtime=@"+strconv.FormatInt(when.Unix(), 10))
	_, _, blob := buildTarLayer(t, nil, WithTars(src), WithTarMTimes())
	for _, h := range readLayerTar(t, blob) {
		if !h.ModTime.Equal(when) {
			t.Errorf("%s: mtime %s, want the tar's %s", h.Name, h.ModTime, when)
		}
	}
}

// Several tars and the layer's own files make one layer, in order; a path
// two of them give is refused, but for directories.
func TestTarsMerge(t *testing.T) {
	a := gnuTar(t, tarTree(t, time.Unix(0, 0)))
	other := t.TempDir()
	os.MkdirAll(filepath.Join(other, "usr/share/other"), 0o755)
	os.WriteFile(filepath.Join(other, "usr/share/other/c.txt"), []byte("c"), 0o644)
	b := gnuTar(t, other)
	src := writeSource(t, "config")
	_, _, blob := buildTarLayer(t, []Entry{{Path: "/etc/app.yaml", Kind: File, Source: src}}, WithTars(a, b))
	var names []string
	for _, h := range readLayerTar(t, blob) {
		names = append(names, h.Name)
	}
	got := strings.Join(names, " ")
	for _, want := range []string{"usr/share/app/a.txt", "usr/share/other/c.txt", "etc/app.yaml"} {
		if !strings.Contains(got, want) {
			t.Errorf("merged layer lacks %s: %s", want, got)
		}
	}
	if strings.Count(got, "usr/share/ ") != 1 {
		t.Errorf("a folder of both tars is in the layer %d times: %s", strings.Count(got, "usr/share/ "), got)
	}

	again := filepath.Join(t.TempDir(), "again.tar")
	testenv.Run(t, "cp", a, again)
	_, err := Build(nil, filepath.Join(t.TempDir(), "l"), WithTars(a, again))
	wantErr(t, err, "/etc/passwd is in both")
	_, err = Build([]Entry{{Path: "/etc/passwd", Kind: File, Source: src}}, filepath.Join(t.TempDir(), "l"), WithTars(a))
	wantErr(t, err, "/etc/passwd is in", "given as a file of the layer too")
}

// A plain tar is compressed as the layer's other blobs are.
func TestPlainTarIsCompressed(t *testing.T) {
	src := gnuTar(t, tarTree(t, time.Unix(0, 0)), "--mtime=@0")
	l, _, blob := buildTarLayer(t, nil, WithTars(src), WithCompression(Zstd))
	if l.mediaType != types.OCILayerZStd || len(readLayerTar(t, blob)) == 0 {
		t.Errorf("media type %s, want zstd with the tar's entries", l.mediaType)
	}
}

func TestHostileTars(t *testing.T) {
	for _, c := range []struct {
		name    string
		headers []*tar.Header
		want    string
	}{
		{"escapes the root", []*tar.Header{{Name: "../etc/passwd", Typeflag: tar.TypeReg}}, "escapes the image root"},
		{"hard link to nothing", []*tar.Header{{Name: "a", Typeflag: tar.TypeLink, Linkname: "missing"}}, "not an earlier entry"},
		{"hard link out", []*tar.Header{{Name: "a", Typeflag: tar.TypeLink, Linkname: "../../x"}}, "escapes the image root"},
		{"unknown type", []*tar.Header{{Name: "a", Typeflag: 'V'}}, "which an image layer cannot hold"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			tw := tar.NewWriter(&b)
			for _, h := range c.headers {
				h.Mode = 0o644
				tw.WriteHeader(h)
			}
			tw.Close()
			src := filepath.Join(t.TempDir(), "hostile.tar")
			os.WriteFile(src, b.Bytes(), 0o644)
			dest := filepath.Join(t.TempDir(), "l")
			_, err := Build(nil, dest, WithTars(src))
			wantErr(t, err, c.want)
			if _, serr := os.Stat(dest); serr == nil {
				t.Error("a refused tar left a blob")
			}
		})
	}
	t.Run("xz", func(t *testing.T) {
		src := filepath.Join(t.TempDir(), "layer.tar.xz")
		os.WriteFile(src, []byte{0xfd, '7', 'z', 'X', 'Z', 0, 0}, 0o644)
		_, err := Build(nil, filepath.Join(t.TempDir(), "l"), WithTars(src))
		wantErr(t, err, "xz or bzip2", "xz -dc")
	})
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one saying %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

// readLayerTar reads the headers of a compressed layer blob.
func readLayerTar(t *testing.T, blob []byte) []*tar.Header {
	t.Helper()
	format := plainTar
	if bytes.HasPrefix(blob, []byte{0x1f, 0x8b}) {
		format = gzipTar
	} else if bytes.HasPrefix(blob, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		format = zstdTar
	}
	r, err := decompress(bytes.NewReader(blob), format)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(r)
	var out []*tar.Header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
}

// The index a layer records says what each entry is, whichever way it came
// in: a reused compressed tar, merged tars, or the layer's own files,
// directories and symlinks. The image checks resolve paths through its
// links (a merged-/usr /lib64) and find executables by it.
func TestFSLayerRecordsKinds(t *testing.T) {
	tree := tarTree(t, time.Unix(0, 0))
	gz := compress(t, gnuTar(t, tree, "--mtime=@0"), "gzip", "-n")
	tool := writeSource(t, "#!/bin/sh\n")
	own := []Entry{
		{Path: "/lib64", Kind: Symlink, Target: "usr/lib64"},
		{Path: "/app/server", Kind: File, Source: tool, Mode: 0o755},
		{Path: "/etc/group", Kind: File, Source: writeSource(t, "root:x:0:\nstaff:x:50:\n")},
	}
	for _, tc := range []struct {
		name    string
		entries []Entry
		tars    []string
	}{
		{"reused tar", nil, []string{gz}},
		{"tar and own entries", own, []string{gz}},
		{"own entries", own, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs, _ := buildTarLayer(t, tc.entries, WithTars(tc.tars...))
			x := fsindex.New()
			x.Apply(fs)
			if len(tc.tars) > 0 {
				if x.Links["/usr/bin/tool-link"] != "tool" || !x.Execs["/usr/bin/tool"] || !x.Files["/usr/share/app/a.txt"] {
					t.Errorf("the tar's kinds are lost: links %v, execs %v", x.Links, x.Execs)
				}
				if x.Users["nonroot"] != "65532:65532" {
					t.Errorf("the tar's /etc/passwd is not read: %v", x.Users)
				}
			}
			if tc.entries != nil {
				if x.Links["/lib64"] != "usr/lib64" || !x.Execs["/app/server"] || x.Groups["staff"] != "50" {
					t.Errorf("the layer's own entries lose their kinds: links %v, execs %v, groups %v", x.Links, x.Execs, x.Groups)
				}
			}
		})
	}
}

// git archive writes a PAX global header (the commit) before the files: it
// is no entry of the file system, and the tar is taken, merged or as it is.
func TestGitArchiveTar(t *testing.T) {
	repo := t.TempDir()
	git := testenv.Tool(t, "git")
	testenv.Run(t, git, "-C", repo, "init", "-q")
	os.WriteFile(filepath.Join(repo, "config.yaml"), []byte("port: 8080\n"), 0o644)
	testenv.Run(t, git, "-C", repo, "add", ".")
	testenv.Run(t, git, "-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "config")
	archive := filepath.Join(t.TempDir(), "src.tar")
	testenv.Run(t, git, "-C", repo, "archive", "--format=tar", "-o", archive, "HEAD")

	for _, tc := range []struct {
		name string
		tar  string
	}{
		{"plain", archive},
		{"gzip -n", compress(t, archive, "gzip", "-n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs, blob := buildTarLayer(t, nil, WithTars(tc.tar))
			x := fsindex.New()
			x.Apply(fs)
			if !x.Files["/config.yaml"] {
				t.Errorf("config.yaml is not in the layer's index: %v", x.Files)
			}
			for _, h := range readLayerTar(t, blob) {
				if h.Name == "config.yaml" {
					return
				}
			}
			t.Errorf("config.yaml is not in the layer")
		})
	}
}
