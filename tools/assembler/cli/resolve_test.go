package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/release"
)

func TestResolveCommand(t *testing.T) {
	dir := t.TempDir()
	digest := "sha256:" + strings.Repeat("ab", 32)
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("app/image.digest", digest+"\n")
	write("app/repository", "registry.example.com/stamped/app\n")
	m, _ := json.Marshal(release.Manifest{Images: []release.ManifestImage{{
		Label: "@@//app:image", RepositoryFile: "app/repository", DigestFile: "app/image.digest", Names: []string{"ko://example.com/cmd/app"},
	}}})
	images := write("images.json", string(m))
	in1 := write("k8s/app.yaml", "# app\nimage: //app:image # pinned\n---\nimage: ko://example.com/cmd/app\n")
	in2 := write("k8s/other.yaml", "image: 'worker'\n")
	out1, out2 := filepath.Join(dir, "out/app.yaml"), filepath.Join(dir, "out/other.yaml")
	os.MkdirAll(filepath.Dir(out1), 0o755)

	runOK(t, "resolve", "--images", images, "--ref", "worker=registry.example.com/worker@"+digest,
		"--input", in1, "--output", out1, "--input", in2, "--output", out2)
	ref := "registry.example.com/stamped/app@" + digest
	if b, _ := os.ReadFile(out1); string(b) != "# app\nimage: "+ref+" # pinned\n---\nimage: "+ref+"\n" {
		t.Errorf("resolved app.yaml:\n%s", b)
	}
	if b, _ := os.ReadFile(out2); string(b) != "image: 'registry.example.com/worker@"+digest+"'\n" {
		t.Errorf("resolved other.yaml:\n%s", b)
	}

	// One unknown reference: no output at all, and the file and line named.
	bad := write("k8s/bad.yaml", "a: b\nimage: //gone:image\n")
	os.RemoveAll(filepath.Dir(out1))
	os.MkdirAll(filepath.Dir(out1), 0o755)
	_, err := runErr("resolve", "--images", images, "--input", in1, "--output", out1, "--input", bad, "--output", out2)
	wantError(t, err, bad+`:2: "//gone:image" names no image`)
	wantNoFiles(t, filepath.Dir(out1))

	write("app/image.digest", "latest\n")
	_, err = runErr("resolve", "--images", images, "--input", in1, "--output", out1)
	wantError(t, err, `the digest file of @@//app:image holds "latest"`)
	_, err = runErr("resolve", "--input", in1)
	wantError(t, err, "give each --input with its --output")
}
