package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// FuzzRefs feeds any bytes as the --images manifest of resolve, beside a
// digest file and a repository file it may name (or name anything else:
// a FIFO, /dev/zero): the references are read, or refused with an error
// naming what, never a hang. The seeds (testdata/fuzz/FuzzRefs) are
// manifests as goimage_resolve writes them and hostile ones.
func FuzzRefs(f *testing.F) {
	f.Add([]byte(`{"images":[{"label":"//app:image","repository_file":"repository","digest_file":"app.digest","names":["ko://example.com/cmd/app"]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "app.digest"), []byte("sha256:"+strings.Repeat("ab", 32)+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "repository"), []byte("registry.example.com/app\n"), 0o644)
		syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644)
		images := filepath.Join(dir, "images.json")
		os.WriteFile(images, data, 0o644)
		refs, err := resolveRefs(&resolveFlags{images: images, refs: keyValues{}})
		if err != nil {
			if err.Error() == "" {
				t.Error("an error without a message")
			}
			return
		}
		for name, ref := range refs {
			if !strings.Contains(ref, "@sha256:") {
				t.Errorf("%s resolves to %q, not a reference by digest", name, ref)
			}
		}
	})
}

// The files resolve reads are bounded: a larger one, a FIFO or a device
// is refused with its name, before it is read whole.
func TestResolveRefusesFilesPastLimits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	digest := write("big.digest", make([]byte, maxRefFileBytes+1))
	images := write("images.json", []byte(`{"images":[{"label":"//app:image","repository":"r.example.com/app","digest_file":"big.digest"}]}`))
	fifoImages := write("fifo-images.json", []byte(`{"images":[{"label":"//app:image","repository":"r.example.com/app","digest_file":"/dev/zero"}]}`))
	bigImages := write("big-images.json", make([]byte, maxImagesFileBytes+1))
	in := write("in.yaml", []byte("image: //app:image\n"))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--images", images}, "the digest_file of //app:image " + digest + " is larger than 4096 bytes, the most resolve reads"},
		{[]string{"--images", fifoImages}, "the digest_file of //app:image /dev/zero is not a regular file"},
		{[]string{"--images", bigImages}, "--images " + bigImages + " is larger than 16777216 bytes"},
		{[]string{"--images", fifo}, "--images " + fifo + " is not a regular file"},
	} {
		_, err := runErr(append(append([]string{"resolve"}, tc.args...), "--input", in, "--output", filepath.Join(dir, "out.yaml"))...)
		wantError(t, err, tc.want)
	}
	_, err := runErr("resolve", "--ref", "a=b", "--input", fifo, "--output", filepath.Join(dir, "out.yaml"))
	wantError(t, err, "--input "+fifo+" is not a regular file")
}
