package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// SourceImage is a base image in a registry as docker buildx pushes them: an
// index of linux/amd64 and linux/arm64 images, each with /app/hello built for
// its platform and /etc/passwd, and an attestation manifest (unknown/unknown).
// It is made with crane, not with the assembler.
type SourceImage struct {
	Registry *Registry
	// Index is the index by tag; Nested an index that lists Index.
	Index, Nested string
	// Digests maps "linux/amd64" and "linux/arm64" to the image's digest,
	// and "index" to the index's.
	Digests map[string]string
}

// PushSourceImage builds the source image and pushes it to a registry of
// the test's own.
func PushSourceImage(t testing.TB) *SourceImage {
	t.Helper()
	crane := Tool(t, "crane")
	src := &SourceImage{Registry: StartRegistry(t, false), Digests: map[string]string{}}
	repo := src.Registry.Host + "/base/hello"
	var manifests []string
	for _, arch := range []string{"amd64", "arm64"} {
		tag := repo + ":" + arch
		Run(t, crane, "append", "--insecure", "-f", platformLayer(t, arch), "-t", tag)
		digest := strings.TrimSpace(Run(t, crane, "mutate", "--insecure", tag, "--set-platform", "linux/"+arch,
			"--env", "GREETING=from-the-base", "--entrypoint", "/app/hello", "-t", tag))
		src.Digests["linux/"+arch] = digest[strings.LastIndex(digest, "@")+1:]
		manifests = append(manifests, "-m", tag)
	}
	attestation := repo + ":attestation"
	Run(t, crane, "append", "--insecure", "-f", tarOfFiles(t, map[string]string{"in-toto.json": "{}"}), "-t", attestation)
	Run(t, crane, "mutate", "--insecure", attestation, "--set-platform", "unknown/unknown", "-t", attestation)
	src.Index = repo + ":multi"
	Run(t, crane, append(append([]string{"index", "append", "--insecure"}, manifests...), "-m", attestation, "-t", src.Index)...)
	src.Digests["index"] = strings.TrimSpace(Run(t, crane, "digest", "--insecure", src.Index))
	src.Nested = repo + ":nested"
	Run(t, crane, "index", "append", "--insecure", "-m", src.Index, "-t", src.Nested)
	return src
}

// platformLayer is a tar, written by GNU tar, of the files of arch's image.
func platformLayer(t testing.TB, arch string) string {
	t.Helper()
	hello, err := os.ReadFile(GoBinary(t, HelloSource, "linux", arch))
	if err != nil {
		t.Fatal(err)
	}
	return tarOfFiles(t, map[string]string{
		"app/hello":  string(hello),
		"etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
	})
}

func tarOfFiles(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "layer.tar")
	Run(t, "tar", "-C", dir, "-cf", out, ".")
	return out
}

// ExportedBase is a base image written by a real tool.
type ExportedBase struct {
	// Tool says which tool wrote it, and how.
	Tool string
	Path string
	// Complete lists the platforms whose images it holds whole; Lacks those
	// it lists without their blobs.
	Complete, Lacks []string
}

// ExportBases writes src in every form a user may hand over a base, each by
// the tool that writes that form.
func ExportBases(t testing.TB, src *SourceImage) []ExportedBase {
	t.Helper()
	var out []ExportedBase
	out = append(out, containerdExports(t, src)...)
	out = append(out, skopeoExports(t, src)...)
	out = append(out, craneExports(t, src)...)
	out = append(out, koTarball(t, src), umociLayout(t, src))
	out = append(out, dockerSaves(t)...)
	return out
}

// koTarball is what `ko build --tarball` writes: a go-containerregistry
// tarball of a Go program on the source image's linux/amd64 image.
func koTarball(t testing.TB, src *SourceImage) ExportedBase {
	t.Helper()
	ko := Tool(t, "ko")
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module example.com/kohello\n\ngo 1.21\n")
	write(t, filepath.Join(dir, "main.go"), HelloSource)
	out := filepath.Join(t.TempDir(), "ko.tar")
	cmd := exec.Command(ko, "build", "--push=false", "--tarball", out, "--sbom=none", "--platform", "linux/amd64", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KO_DOCKER_REPO=registry.example.com/kohello",
		"KO_DEFAULTBASEIMAGE="+src.Registry.Host+"/base/hello@"+src.Digests["index"], "GOFLAGS=", "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ko build: %v\n%s", err, b)
	}
	return ExportedBase{Tool: "ko build --tarball", Path: out, Complete: []string{"linux/amd64"}}
}

// dockerSaves are what `docker save` of the running engine writes (the
// classic format on engines before 25), plain and as `docker save | gzip`.
func dockerSaves(t testing.TB) []ExportedBase {
	t.Helper()
	saved := DockerSave(t, DockerBaseImage(t))
	gz := filepath.Join(t.TempDir(), "saved.tar.gz")
	Run(t, "sh", "-c", `gzip -c "$1" >"$2"`, "sh", saved, gz)
	complete := []string{"linux/" + hostArch()}
	return []ExportedBase{
		{Tool: "docker save", Path: saved, Complete: complete},
		{Tool: "docker save | gzip", Path: gz, Complete: complete},
	}
}

func hostArch() string { return runtime.GOARCH }

// containerdExports are what `ctr image export` writes, which is what
// `docker save` of Docker 25+ with the containerd image store writes: after
// a pull of one platform, an archive whose index.json points to the whole
// index while only that platform's blobs are in it.
func containerdExports(t testing.TB, src *SourceImage) []ExportedBase {
	t.Helper()
	c := StartContainerd(t)
	dir := t.TempDir()
	export := func(name string, args ...string) string {
		p := filepath.Join(dir, name)
		c.Ctr(t, append(append([]string{"images", "export"}, args[:len(args)-1]...), p, args[len(args)-1])...)
		return p
	}
	c.Ctr(t, "images", "pull", "--plain-http", "--platform", "linux/amd64", src.Index)
	c.Ctr(t, "images", "pull", "--plain-http", "--platform", "linux/amd64", src.Nested)
	out := []ExportedBase{
		{Tool: "ctr image export --platform linux/amd64", Path: export("amd64.tar", "--platform", "linux/amd64", src.Index),
			Complete: []string{"linux/amd64"}, Lacks: []string{"linux/arm64"}},
		{Tool: "ctr image export --platform linux/amd64 --skip-manifest-json", Path: export("amd64-no-manifest-json.tar", "--platform", "linux/amd64", "--skip-manifest-json", src.Index),
			Complete: []string{"linux/amd64"}, Lacks: []string{"linux/arm64"}},
		{Tool: "ctr image export --platform linux/amd64 of an index in an index", Path: export("nested.tar", "--platform", "linux/amd64", src.Nested),
			Complete: []string{"linux/amd64"}, Lacks: []string{"linux/arm64"}},
	}
	c.Ctr(t, "images", "pull", "--plain-http", "--all-platforms", src.Index)
	out = append(out,
		ExportedBase{Tool: "ctr image export --all-platforms", Path: export("all.tar", "--all-platforms", src.Index),
			Complete: []string{"linux/amd64", "linux/arm64"}},
		ExportedBase{Tool: "ctr image export --all-platforms --skip-manifest-json", Path: export("all-no-manifest-json.tar", "--all-platforms", "--skip-manifest-json", src.Index),
			Complete: []string{"linux/amd64", "linux/arm64"}},
	)
	return out
}

// skopeoExports are OCI layouts and archives that skopeo copies from the
// registry: one platform's image, and every platform's.
func skopeoExports(t testing.TB, src *SourceImage) []ExportedBase {
	t.Helper()
	skopeo := Tool(t, "skopeo")
	dir := t.TempDir()
	copyTo := func(dest string, args ...string) {
		Run(t, skopeo, append(append([]string{"copy", "--quiet", "--src-tls-verify=false"}, args...), "docker://"+src.Index, dest)...)
	}
	layout, archive, all := filepath.Join(dir, "layout"), filepath.Join(dir, "oci.tar"), filepath.Join(dir, "all")
	copyTo("oci:"+layout+":base", "--override-arch", "amd64")
	copyTo("oci-archive:"+archive+":base", "--override-arch", "amd64")
	copyTo("oci:"+all+":base", "--multi-arch", "all")
	return []ExportedBase{
		{Tool: "skopeo copy oci:", Path: layout, Complete: []string{"linux/amd64"}},
		{Tool: "skopeo copy oci-archive:", Path: archive, Complete: []string{"linux/amd64"}},
		{Tool: "skopeo copy --multi-arch all oci:", Path: all, Complete: []string{"linux/amd64", "linux/arm64"}},
	}
}

// craneExports are go-containerregistry's tarballs: manifest.json names the
// config sha256:<hex> and the layers <hex>.tar.gz, as ko writes them too.
func craneExports(t testing.TB, src *SourceImage) []ExportedBase {
	t.Helper()
	crane := Tool(t, "crane")
	dir := t.TempDir()
	pulled, appended := filepath.Join(dir, "pulled.tar"), filepath.Join(dir, "appended.tar")
	Run(t, crane, "pull", "--insecure", "--format=tarball", "--platform", "linux/amd64", src.Index, pulled)
	Run(t, crane, "append", "--insecure", "--platform", "linux/arm64", "-b", src.Index, "-f", tarOfFiles(t, map[string]string{"etc/motd": "hi\n"}),
		"-t", src.Registry.Host+"/base/appended:latest", "-o", appended)
	return []ExportedBase{
		{Tool: "crane pull --format=tarball", Path: pulled, Complete: []string{"linux/amd64"}},
		{Tool: "crane append -o", Path: appended, Complete: []string{"linux/arm64"}},
	}
}

// umociLayout is a layout that umoci made and added a layer to.
func umociLayout(t testing.TB, src *SourceImage) ExportedBase {
	t.Helper()
	umoci := Tool(t, "umoci")
	layout := filepath.Join(t.TempDir(), "umoci")
	Run(t, umoci, "init", "--layout", layout)
	Run(t, umoci, "new", "--image", layout+":base")
	files := filepath.Join(t.TempDir(), "etc")
	if err := os.MkdirAll(files, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(files, "motd"), "made with umoci\n")
	Run(t, umoci, "insert", "--image", layout+":base", files, "/etc")
	Run(t, umoci, "config", "--image", layout+":base", "--config.env", "GREETING=from-umoci")
	return ExportedBase{Tool: "umoci", Path: layout, Complete: []string{"linux/" + hostArch()}}
}
