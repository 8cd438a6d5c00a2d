package release

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/validate"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

var fastBackoff = remote.Backoff{Duration: time.Millisecond, Factor: 2, Steps: 2}

func writeLayout(t *testing.T, img v1.Image) string {
	t.Helper()
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img); err != nil {
		t.Fatal(err)
	}
	return dir
}

// appImages returns n images that share a base of baseLayers layers, each
// with a layer of its own on top.
func appImages(t *testing.T, n, baseLayers int) (v1.Image, []v1.Image) {
	t.Helper()
	base, err := random.Image(64<<10, int64(baseLayers))
	if err != nil {
		t.Fatal(err)
	}
	var apps []v1.Image
	for range n {
		l, err := random.Layer(16<<10, "application/vnd.oci.image.layer.v1.tar+gzip")
		if err != nil {
			t.Fatal(err)
		}
		app, err := mutate.AppendLayers(base, l)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, app)
	}
	return base, apps
}

func target(t *testing.T, label, repository string, img v1.Image) Target {
	dir := writeLayout(t, img)
	return Target{Label: label, Repository: repository, Tags: []string{"v1"}, Open: func() (*store.Store, error) { return store.Open(dir) }}
}

func digestOf(t *testing.T, x interface{ Digest() (v1.Hash, error) }) string {
	t.Helper()
	d, err := x.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// uploads counts the uploads of a blob that the registry accepted: the PUT
// that ends each, which names the blob's digest.
func uploads(count func(...string) int, digest string) int {
	return count("PUT ", "/blobs/uploads/", "digest="+url.QueryEscape(digest), " 201")
}

func mounts(log *testenv.RequestLog, digest string) int {
	return log.Count("POST ", "mount="+url.QueryEscape(digest), " 201")
}

func TestReleaseSendsSharedBlobsOnce(t *testing.T) {
	reg := testenv.StartMountingRegistry(t)
	base, apps := appImages(t, 3, 2)
	targets := []Target{
		target(t, "//a:image", reg.Host+"/team/a", apps[0]),
		target(t, "//b:image", reg.Host+"/team/b", apps[1]),
		target(t, "//c:image", reg.Host+"/team/c", apps[2]),
	}
	// The same image to a second repository.
	mirror := targets[0]
	mirror.Repository = reg.Host + "/mirror/a"
	targets = append(targets, mirror)
	log := &testenv.RequestLog{}
	results, stats := Run(context.Background(), targets, Options{Jobs: 2, Registry: registry.Options{Transport: log, Backoff: fastBackoff}})

	for i, r := range results {
		if !r.Pushed() {
			t.Fatalf("%s was not pushed: %v", r.Target.Label, r.Err)
		}
		img := apps[min(i, 2)]
		if i == 3 {
			img = apps[0]
		}
		if want := r.Target.Repository + "@" + digestOf(t, img); r.Reference != want {
			t.Errorf("%s: reference %s, want %s", r.Target.Label, r.Reference, want)
		}
		ref, err := name.ParseReference(r.Reference)
		if err != nil {
			t.Fatal(err)
		}
		pulled, err := remote.Image(ref)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate.Image(pulled); err != nil {
			t.Errorf("%s: %v", r.Reference, err)
		}
	}
	baseLayers, _ := base.Layers()
	for _, l := range baseLayers {
		d := digestOf(t, l)
		// Four repositories need each base layer: one upload, three mounts.
		if n := uploads(log.Count, d); n != 1 {
			t.Errorf("base layer %s was uploaded %d times, want once; requests:\n%s", d, n, log)
		}
		if n := mounts(log, d); n != 3 {
			t.Errorf("base layer %s was mounted %d times, want 3; requests:\n%s", d, n, log)
		}
	}
	// The image pushed to two repositories: each of its blobs crosses once.
	layers, _ := apps[0].Layers()
	config, _ := apps[0].ConfigName()
	for _, d := range []string{digestOf(t, layers[len(layers)-1]), config.String()} {
		if n := uploads(log.Count, d); n != 1 {
			t.Errorf("blob %s of //a:image was uploaded %d times, want once; requests:\n%s", d, n, log)
		}
		if n := mounts(log, d); n != 1 {
			t.Errorf("blob %s of //a:image was mounted %d times, want once, into mirror/a; requests:\n%s", d, n, log)
		}
	}
	if stats.Shared != 4 || stats.Mounts != 8 {
		t.Errorf("stats = %+v, want 4 shared blobs (2 base layers, the layer and config of //a:image) mounted 8 times", stats)
	}
}

func TestReleasePushesAFewAtATime(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	_, apps := appImages(t, 5, 1)
	var targets []Target
	for i, img := range apps {
		targets = append(targets, target(t, fmt.Sprintf("//app%d:image", i), fmt.Sprintf("%s/app%d", reg.Host, i), img))
	}
	// Each manifest upload waits until another one is under way (or a
	// while has passed), so that a release that pushed one image at a time
	// would be seen; at most Jobs may ever be under way together.
	var (
		mu             sync.Mutex
		inFlight, most int
		two            = make(chan struct{})
		twoOnce        sync.Once
	)
	log := &testenv.RequestLog{}
	log.Before = func(req *http.Request) {
		if req.Method != http.MethodPut || !strings.Contains(req.URL.Path, "/manifests/") {
			return
		}
		mu.Lock()
		inFlight++
		most = max(most, inFlight)
		if inFlight >= 2 {
			twoOnce.Do(func() { close(two) })
		}
		mu.Unlock()
		select {
		case <-two:
		case <-time.After(10 * time.Second):
		}
		time.Sleep(50 * time.Millisecond)
		mu.Lock()
		inFlight--
		mu.Unlock()
	}
	var progress bytes.Buffer
	results, _ := Run(context.Background(), targets, Options{Jobs: 2, Progress: &progress, Registry: registry.Options{Transport: log, Backoff: fastBackoff}})
	for _, r := range results {
		if !r.Pushed() {
			t.Errorf("%s: %v", r.Target.Label, r.Err)
		}
	}
	if most != 2 {
		t.Errorf("%d images were pushed at the same time at most, want 2 (--jobs)", most)
	}
	for i, r := range results {
		line := fmt.Sprintf("pushed //app%d:image: %s", i, r.Reference)
		if !strings.Contains(progress.String(), line) {
			t.Errorf("progress lacks %q:\n%s", line, progress.String())
		}
	}
	if n := strings.Count(progress.String(), "/5] pushed"); n != 5 {
		t.Errorf("progress has %d lines of finished images, want 5:\n%s", n, progress.String())
	}
}

func TestReleaseFinishesTheOthersWhenOneFails(t *testing.T) {
	open := testenv.StartRegistry(t, false)
	locked := testenv.StartRegistry(t, true)
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials for locked
	_, apps := appImages(t, 3, 1)
	targets := []Target{
		target(t, "//a:image", open.Host+"/team/a", apps[0]),
		target(t, "//locked:image", locked.Host+"/team/locked", apps[1]),
		target(t, "//c:image", open.Host+"/team/c", apps[2]),
	}
	results, _ := Run(context.Background(), targets, Options{Registry: registry.Options{Backoff: fastBackoff}})
	if !results[0].Pushed() || !results[2].Pushed() {
		t.Fatalf("the images of the open registry were not all pushed: %v, %v", results[0].Err, results[2].Err)
	}
	if results[1].Pushed() {
		t.Fatalf("//locked:image was pushed to a registry that requires credentials")
	}
	if !strings.Contains(results[1].Err.Error(), "UNAUTHORIZED") && !strings.Contains(results[1].Err.Error(), "401") && !strings.Contains(strings.ToLower(results[1].Err.Error()), "credentials") {
		t.Errorf("the error does not say that credentials are missing: %v", results[1].Err)
	}

	var summary bytes.Buffer
	Summary(&summary, results)
	for _, want := range []string{"2 of 3 images pushed, 1 failed", "FAILED  //locked:image to " + locked.Host + "/team/locked: ", "pushed  //a:image  " + results[0].Reference} {
		if !strings.Contains(summary.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.String())
		}
	}
	var refs Refs
	if err := json.Unmarshal(RefsJSON(results), &refs); err != nil {
		t.Fatal(err)
	}
	if len(refs.Images) != 3 || !refs.Images[0].Pushed || refs.Images[1].Pushed || refs.Images[1].Error == "" || !refs.Images[2].Pushed {
		t.Errorf("refs file = %+v, want //a and //c pushed, //locked not, with its error", refs)
	}
	if refs.Images[0].Digest != digestOf(t, apps[0]) {
		t.Errorf("refs file gives //a:image digest %s, want %s", refs.Images[0].Digest, digestOf(t, apps[0]))
	}
	wantText := "//a:image " + results[0].Reference + "\n//c:image " + results[2].Reference + "\n"
	if got := string(RefsText(results)); got != wantText {
		t.Errorf("text refs = %q, want %q", got, wantText)
	}
}

func TestReleaseReportsAnImageItCannotOpen(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	_, apps := appImages(t, 1, 1)
	targets := []Target{
		{Label: "//gone:image", Repository: reg.Host + "/gone", Open: func() (*store.Store, error) { return store.Open(t.TempDir() + "/missing") }},
		target(t, "//a:image", reg.Host+"/a", apps[0]),
	}
	results, _ := Run(context.Background(), targets, Options{})
	if results[0].Pushed() || !results[1].Pushed() {
		t.Fatalf("results = %v, %v; want //gone:image failed and //a:image pushed", results[0].Err, results[1].Err)
	}
}

// An index whose image the layout lacks fails when its blobs are listed
// for sharing, with the blob it lacks; the other targets are pushed.
func TestReleaseReportsAnIndexItCannotRead(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	_, apps := appImages(t, 2, 1)
	idx := mutate.AppendManifests(empty.Index, mutate.IndexAddendum{Add: apps[0]})
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendIndex(idx); err != nil {
		t.Fatal(err)
	}
	lacking := digestOf(t, apps[0])
	if err := os.Remove(filepath.Join(dir, "blobs", "sha256", strings.TrimPrefix(lacking, "sha256:"))); err != nil {
		t.Fatal(err)
	}
	targets := []Target{
		{Label: "//partial:index", Repository: reg.Host + "/partial", Open: func() (*store.Store, error) { return store.Open(dir) }},
		target(t, "//a:image", reg.Host+"/a", apps[1]),
	}
	results, _ := Run(context.Background(), targets, Options{})
	if results[0].Pushed() || !results[1].Pushed() {
		t.Fatalf("results = %v, %v; want //partial:index failed and //a:image pushed", results[0].Err, results[1].Err)
	}
	if err := results[0].Err.Error(); !strings.Contains(err, "reading the image's blobs") || !strings.Contains(err, lacking) {
		t.Errorf("//partial:index failed with %q; want it to say which blob it could not read (%s)", err, lacking)
	}
}
