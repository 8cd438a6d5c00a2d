package load

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// builtImage is an image that assembler build made, in a layout.
type builtImage struct {
	layout string
	image  v1.Image
	digest string
}

// baseLayout writes a base for the host's platform of two 1 MiB random
// layers: bytes that a load which writes only what the store lacks sends
// once, not on every edit.
func baseLayout(t *testing.T) string {
	t.Helper()
	img, err := random.Image(1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	return writeLayout(t, testenv.ForLinux(t, img, runtime.GOARCH))
}

// buildGreeter builds, on base, a program that prints greeting: two builds
// with two greetings are a one-line edit.
func buildGreeter(t *testing.T, asm, base, greeting string) builtImage {
	t.Helper()
	src := strings.Replace(testenv.HelloSource, "hello from the image", greeting, 1)
	bin := testenv.GoBinary(t, src, "linux", runtime.GOARCH)
	dir := filepath.Join(t.TempDir(), "layout")
	out := testenv.Run(t, asm, "build", "--base", base, "--binary", bin, "--platform", "linux/"+runtime.GOARCH, "--layout", dir)
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	digest := lastLine(out)
	h, err := v1.NewHash(digest)
	if err != nil {
		t.Fatal(err)
	}
	img, err := p.Image(h)
	if err != nil {
		t.Fatal(err)
	}
	return builtImage{layout: dir, image: img, digest: digest}
}

// newBlobs are the blobs of b that a has not, and their size in bytes:
// after a one-line edit, the program's layer, the config and the manifest.
func (b builtImage) newBlobs(t *testing.T, a builtImage) ([]string, int64) {
	t.Helper()
	old := blobSizes(t, a.image)
	var out []string
	var size int64
	for d, n := range blobSizes(t, b.image) {
		if _, ok := old[d]; !ok {
			out = append(out, d)
			size += n
		}
	}
	slices.Sort(out)
	return out, size
}

// blobSizes are the blobs of img, by digest.
func blobSizes(t *testing.T, img v1.Image) map[string]int64 {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := img.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{d.String(): int64(len(raw)), m.Config.Digest.String(): m.Config.Size}
	for _, l := range m.Layers {
		out[l.Digest.String()] = l.Size
	}
	return out
}

// loadReport is what a load into containerd says it wrote.
type loadReport struct {
	written, blobs           int
	writtenBytes, totalBytes int64
}

var reportLine = regexp.MustCompile(`wrote (\d+) of (\d+) blobs, (\d+) of (\d+) bytes, to containerd at `)

func parseReport(t *testing.T, stderr string) loadReport {
	t.Helper()
	m := reportLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("the load did not say what it wrote to containerd; it said %q", stderr)
	}
	n := func(s string) int64 { v, _ := strconv.ParseInt(s, 10, 64); return v }
	return loadReport{written: int(n(m[1])), blobs: int(n(m[2])), writtenBytes: n(m[3]), totalBytes: n(m[4])}
}

// contentDigests lists the digests of a containerd content store, with ctr.
func contentDigests(t *testing.T, ctrContentLs string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(ctrContentLs), "\n")[1:] {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			out[fields[0]] = line
		}
	}
	return out
}

// added is the digests of after that before lacks, sorted.
func added(before, after map[string]string) []string {
	var out []string
	for d := range after {
		if _, ok := before[d]; !ok {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// checkSecondLoad checks that the load of second, after first, wrote the
// program's new layer, config and manifest, and nothing else: by the
// load's own report and by the content store's listing.
func checkSecondLoad(t *testing.T, first, second builtImage, report loadReport, before, after map[string]string) {
	t.Helper()
	want, size := second.newBlobs(t, first)
	if len(want) != 3 {
		t.Fatalf("a one-line edit changed %d blobs (%v), want 3: the program's layer, the config and the manifest", len(want), want)
	}
	if report.written != 3 {
		t.Errorf("the second load wrote %d blobs, want 3 (%v)", report.written, want)
	}
	if got := added(before, after); !slices.Equal(got, want) {
		t.Errorf("the content store gained %v, want only %v", got, want)
	}
	if report.writtenBytes != size {
		t.Errorf("the second load wrote %d of %d bytes, want the %d bytes of the new blobs", report.writtenBytes, report.totalBytes, size)
	}
}

// Into Debian's containerd, given by its socket: the image record of each
// tag, named as Docker names it, holds the built digest; the manifest
// carries the labels that keep its config and layers from containerd's
// garbage collector; and after a one-line edit only the new blobs are
// written.
func TestLoadIntoContainerd(t *testing.T) {
	ctrd := testenv.StartContainerd(t)
	asm := testenv.Assembler(t)
	base := baseLayout(t)
	first := buildGreeter(t, asm, base, "hello")
	tags := []string{"goimage-test/app:one", "example.com/team/app:two"}
	load := func(img builtImage) loadReport {
		var stderr bytes.Buffer
		err := loadDir(t, img.layout, Options{Containerd: ctrd.Address, Namespace: "goimage-test", Tags: tags, Stderr: &stderr})
		if err != nil {
			t.Fatal(err)
		}
		t.Log(strings.TrimSpace(stderr.String()))
		return parseReport(t, stderr.String())
	}
	r := load(first)
	if r.written != r.blobs || r.written != 5 {
		t.Errorf("the first load into an empty store wrote %d of %d blobs, want all 5", r.written, r.blobs)
	}
	images := ctrd.Ctr(t, "images", "ls")
	for _, name := range []string{"docker.io/goimage-test/app:one", "example.com/team/app:two"} {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `\s.*` + first.digest).MatchString(images) {
			t.Errorf("ctr images ls has no %s at %s:\n%s", name, first.digest, images)
		}
	}
	before := contentDigests(t, ctrd.Ctr(t, "content", "ls"))
	for _, label := range []string{"containerd.io/gc.ref.content.config=", "containerd.io/gc.ref.content.l.0=", "containerd.io/gc.ref.content.l.2="} {
		if !strings.Contains(before[first.digest], label) {
			t.Errorf("the manifest's labels lack %s: %s", label, before[first.digest])
		}
	}

	second := buildGreeter(t, asm, base, "hello again")
	r = load(second)
	after := contentDigests(t, ctrd.Ctr(t, "content", "ls"))
	checkSecondLoad(t, first, second, r, before, after)
	if images := ctrd.Ctr(t, "images", "ls"); strings.Count(images, second.digest) != 2 {
		t.Errorf("after the second load, ctr images ls does not show both tags at %s:\n%s", second.digest, images)
	}
	checkGarbageCollection(t, ctrd, first, second)
}

// checkGarbageCollection runs containerd's garbage collector (ctr images rm
// --sync of an image record, here one more name of the loaded image, waits
// for it) and checks that it keeps every blob of the image the tags name,
// through the labels of its manifest, and drops the first image's own.
func checkGarbageCollection(t *testing.T, ctrd *testenv.Containerd, first, second builtImage) {
	t.Helper()
	ctrd.Ctr(t, "images", "tag", "docker.io/goimage-test/app:one", "goimage-test/gc:probe")
	ctrd.Ctr(t, "images", "rm", "--sync", "goimage-test/gc:probe")
	have := contentDigests(t, ctrd.Ctr(t, "content", "ls"))
	for d := range blobSizes(t, second.image) {
		if _, ok := have[d]; !ok {
			t.Errorf("containerd's garbage collector dropped %s of the loaded image", d)
		}
	}
	gone, _ := first.newBlobs(t, second)
	for _, d := range gone {
		if _, ok := have[d]; ok {
			t.Errorf("%s, of the image no name refers to any more, is still there: the garbage collector did not run", d)
		}
	}
}

// Into Docker with the containerd image store, found by docker info: the
// engine knows the image by the built digest under every tag, runs it
// (unpacking it on run), and after a one-line edit only the new blobs are
// written to its containerd.
func TestLoadIntoDockerContainerdIsIncremental(t *testing.T) {
	docker, _ := testenv.ContainerdStore().Use(t)
	asm := testenv.Assembler(t)
	ctr := testenv.Tool(t, "ctr")
	address := testenv.Run(t, docker, "info", "--format", "{{.Containerd.Address}}")
	contentLs := func() map[string]string {
		return contentDigests(t, testenv.Run(t, ctr, "--address", strings.TrimSpace(address), "--namespace", "moby", "content", "ls"))
	}
	base := baseLayout(t)
	tags := []string{uniqueTag(t, docker), uniqueTag(t, docker)}
	load := func(img builtImage, greeting string) loadReport {
		var stderr bytes.Buffer
		if err := loadDir(t, img.layout, Options{Tags: tags, Stderr: &stderr}); err != nil {
			t.Fatal(err)
		}
		t.Log(strings.TrimSpace(stderr.String()))
		for _, tag := range tags {
			if got := imageID(t, docker, tag); got != img.digest {
				t.Errorf("%s: loaded image ID %s, want the digest that was built, %s", tag, got, img.digest)
			}
		}
		run := testenv.Run(t, docker, "run", "--rm", tags[1])
		if want := greeting + ", GREETING="; !strings.HasPrefix(strings.TrimSpace(run), want) {
			t.Errorf("docker run %s printed %q, want %q", tags[1], run, want)
		}
		return parseReport(t, stderr.String())
	}
	// Greetings of this run's own: the engine is shared, and another run's
	// program layer must not be there already.
	hello := "hello " + testenv.ImageTag(uniqueTag(t, docker))
	first := buildGreeter(t, asm, base, hello)
	t.Cleanup(func() { testenv.RunErr(docker, "rmi", "--force", first.digest) })
	load(first, hello)
	before := contentLs()
	second := buildGreeter(t, asm, base, hello+" again")
	r := load(second, hello+" again")
	checkSecondLoad(t, first, second, r, before, contentLs())
	// As after docker load, the image the tags named before is kept, untagged.
	if dangling := testenv.Run(t, docker, "images", "--filter", "dangling=true", "--format", "{{.ID}}", "--no-trunc"); !strings.Contains(dangling, first.digest) {
		t.Errorf("docker images --filter dangling=true lacks the image the tags named before, %s:\n%s", first.digest, dangling)
	}
}

// An index loads whole into containerd, known by the index's digest, with
// the labels that lead containerd's garbage collector from the index to its
// manifests; --platform loads that platform's image alone.
func TestLoadIndexIntoContainerd(t *testing.T) {
	ctrd := testenv.StartContainerd(t)
	idx := index(t, "amd64", "arm64")
	dir := writeLayout(t, idx)
	digest, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	o := Options{Containerd: ctrd.Address, Namespace: "goimage-test", Tags: []string{"example.com/multi:all"}, Stderr: &stderr}
	if err := loadDir(t, dir, o); err != nil {
		t.Fatal(err)
	}
	// The index, and a manifest, a config and two layers per platform.
	if r := parseReport(t, stderr.String()); r.written != 9 || r.blobs != 9 {
		t.Errorf("the load wrote %d of %d blobs, want 9 of 9", r.written, r.blobs)
	}
	have := contentDigests(t, ctrd.Ctr(t, "content", "ls"))
	if !strings.Contains(have[digest.String()], "containerd.io/gc.ref.content.m.1=") {
		t.Errorf("the index's labels lack containerd.io/gc.ref.content.m.1: %s", have[digest.String()])
	}
	if images := ctrd.Ctr(t, "images", "ls"); !strings.Contains(images, digest.String()) {
		t.Errorf("ctr images ls does not show example.com/multi:all at the index's digest %s:\n%s", digest, images)
	}

	stderr.Reset()
	o.Tags, o.Platform = []string{"example.com/multi:arm64"}, &v1.Platform{OS: "linux", Architecture: "arm64"}
	if err := loadDir(t, dir, o); err != nil {
		t.Fatal(err)
	}
	arm64, err := indexImage(idx, *o.Platform)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := arm64.Digest()
	if !strings.Contains(stderr.String(), "("+want.String()+"): wrote 0 of 4 blobs") {
		t.Errorf("loading the arm64 image of a loaded index said %q, want it to name %s and write nothing", stderr.String(), want)
	}
}

// Docker with the classic image store takes whole images only: the load
// says so, in one line, and streams the image to docker load.
func TestLoadSaysWhyItStreams(t *testing.T) {
	docker, keepsManifests := testenv.DockerEngines()[0].Use(t)
	if keepsManifests {
		t.Skip("the default Docker engine has the containerd image store")
	}
	var stdout, stderr bytes.Buffer
	tag := uniqueTag(t, docker)
	if err := loadDir(t, writeLayout(t, platformImage(t, "amd64")), Options{Tags: []string{tag}, Stdout: &stdout, Stderr: &stderr}); err != nil {
		t.Fatal(err)
	}
	if want := "docker uses the classic image store, which takes whole images only: streaming the whole image to docker load\n"; !strings.HasSuffix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("load said %q on stderr, want one line %q", stderr.String(), want)
	}
	if !strings.Contains(stdout.String(), "Loaded image: "+tag) {
		t.Errorf("docker load said %q, want it to name %s", stdout.String(), tag)
	}
}

// A load that stopped midway leaves a blob half written, under the ref this
// package names it by: the next load resumes it and commits the whole blob.
func TestLoadIntoContainerdResumesAnUnfinishedWrite(t *testing.T) {
	ctrd := testenv.StartContainerd(t)
	img := platformImage(t, "amd64")
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	layer := layers[0]
	digest, _ := layer.Digest()
	rc, err := layer.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	writeHalf(t, ctrd.Address, "goimage-load-"+digest.String(), data[:len(data)/2])
	if active := ctrd.Ctr(t, "content", "active"); !strings.Contains(active, digest.String()) {
		t.Fatalf("ctr content active does not show the unfinished write:\n%s", active)
	}

	var stderr bytes.Buffer
	o := Options{Containerd: ctrd.Address, Namespace: "goimage-test", Tags: []string{"example.com/resumed:x"}, Stderr: &stderr}
	if err := loadDir(t, writeLayout(t, img), o); err != nil {
		t.Fatal(err)
	}
	have := contentDigests(t, ctrd.Ctr(t, "content", "ls"))
	if _, ok := have[digest.String()]; !ok {
		t.Errorf("the layer %s is not in the content store after the load", digest)
	}
	if active := ctrd.Ctr(t, "content", "active"); strings.Contains(active, digest.String()) {
		t.Errorf("the unfinished write is still active:\n%s", active)
	}
}

// writeHalf writes data to the ingest ref of the containerd at address,
// without committing it, as a load that was killed leaves it.
func writeHalf(t *testing.T, address, ref string, data []byte) {
	t.Helper()
	conn, err := grpc.NewClient("unix://"+address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithCancel(metadata.AppendToOutgoingContext(context.Background(), namespaceHeader, "goimage-test"))
	defer cancel()
	w, err := contentapi.NewContentClient(conn).Write(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := send(w, &contentapi.WriteContentRequest{Action: contentapi.WriteAction_WRITE, Ref: ref, Data: data}); err != nil {
		t.Fatal(err)
	}
}

// A socket at the path docker info names may be another containerd than
// the engine's (a Docker in a VM, a forwarded socket): the load then finds
// that the engine does not see the image, and says so.
func TestCheckDockerSeesRefusesAnotherContainerd(t *testing.T) {
	docker, _ := testenv.ContainerdStore().Use(t)
	other := testenv.StartContainerd(t)
	img := platformImage(t, "amd64")
	target := containerdTarget{address: other.Address, namespace: dockerNamespace}
	s, err := store.Open(writeLayout(t, img))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	root, err := s.Root()
	if err != nil {
		t.Fatal(err)
	}
	c := output.Content{Image: root.Image, Tags: []string{"example.com/elsewhere:x"}}
	digest, err := loadContainerd(context.Background(), target, c, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	err = checkDockerSees(context.Background(), docker, target, digest)
	if err == nil || !strings.Contains(err.Error(), "that socket is not the engine's own containerd") {
		t.Errorf("checkDockerSees of an image in another containerd: %v, want an error naming the wrong socket", err)
	}
}
