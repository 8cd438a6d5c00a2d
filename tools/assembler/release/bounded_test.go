package release

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// A release holds an image open only while it reads it, so the files it
// keeps open are set by Jobs, not by how many images it pushes: a release
// of thousands must not run out of file descriptors. The count is taken
// each time an image is opened, when every image opened before it would
// still be open if the release held them.
func TestReleaseHoldsFewImagesOpen(t *testing.T) {
	if _, err := os.ReadDir("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd to count open files by")
	}
	reg := testenv.StartRegistry(t, false)
	_, apps := appImages(t, 40, 2)
	before := openFiles(t)
	peak := 0
	var targets []Target
	for i, app := range apps {
		dir := writeLayout(t, app)
		targets = append(targets, Target{
			Label: fmt.Sprintf("//app%d:image", i), Repository: fmt.Sprintf("%s/app%d", reg.Host, i), Tags: []string{"v1"},
			Open: func() (*store.Store, error) {
				peak = max(peak, openFiles(t))
				return store.Open(dir)
			},
		})
	}
	results, _ := Run(context.Background(), targets, Options{Jobs: 1, Registry: registry.Options{Backoff: fastBackoff}})
	for _, r := range results {
		if !r.Pushed() {
			t.Fatalf("%s: %v", r.Target.Label, r.Err)
		}
	}
	if grown := peak - before; grown >= len(apps)/2 {
		t.Errorf("the release held %d more files open at its peak than before, for %d images pushed one at a time; want a count that does not grow with the images", grown, len(apps))
	}
}

func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}
