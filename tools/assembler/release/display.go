package release

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/push"
)

// display is the one progress display of a release: a line per image as it
// finishes, and on long releases a line of totals every interval, naming
// the images still being pushed. Images push concurrently, so per-blob
// progress of each would interleave unreadably; totals do not.
type display struct {
	w        io.Writer
	total    int
	interval time.Duration

	mu       sync.Mutex
	done     int
	failed   int
	running  map[string]time.Time
	start    time.Time
	stopTick chan struct{}
	ticking  sync.WaitGroup
}

func newDisplay(w io.Writer, total int, interval time.Duration) *display {
	if interval == 0 {
		interval = 10 * time.Second
	}
	d := &display{w: w, total: total, interval: interval, running: map[string]time.Time{}, start: time.Now(), stopTick: make(chan struct{})}
	if w != nil {
		d.ticking.Add(1)
		go d.tick()
	}
	return d
}

func (d *display) tick() {
	defer d.ticking.Done()
	t := time.NewTicker(d.interval)
	defer t.Stop()
	for {
		select {
		case <-d.stopTick:
			return
		case <-t.C:
			d.totals()
		}
	}
}

func (d *display) stop() {
	close(d.stopTick)
	d.ticking.Wait()
}

// shared reports what step 1 sent once.
func (d *display) shared(s Stats) {
	if d.w == nil || s.Shared == 0 {
		return
	}
	fmt.Fprintf(d.w, "release: %d blobs (%s) needed by several repositories: sent once, mounted %d times\n", s.Shared, push.FormatSize(s.Bytes), s.Mounts)
}

// started records a push under way; an image pushed to two repositories
// is two pushes, each shown until it finishes.
func (d *display) started(t Target) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.running[t.pushName()] = time.Now()
}

func (d *display) finished(r Result) {
	d.mu.Lock()
	defer d.mu.Unlock()
	delete(d.running, r.Target.pushName())
	d.done++
	if d.w == nil {
		return
	}
	if r.Err != nil {
		d.failed++
		fmt.Fprintf(d.w, "[%d/%d] FAILED %s to %s: %v\n", d.done, d.total, r.Target.Label, r.Target.Repository, r.Err)
		return
	}
	fmt.Fprintf(d.w, "[%d/%d] pushed %s: %s (%s)\n", d.done, d.total, r.Target.Label, r.Reference, r.Duration.Round(100*time.Millisecond))
}

// totals prints how far the release is, and which images it still waits for.
func (d *display) totals() {
	d.mu.Lock()
	defer d.mu.Unlock()
	var running []string
	for l, since := range d.running {
		running = append(running, fmt.Sprintf("%s (%s)", l, time.Since(since).Round(time.Second)))
	}
	sort.Strings(running)
	fmt.Fprintf(d.w, "release: %d of %d images done (%d failed) after %s; pushing %s\n",
		d.done, d.total, d.failed, time.Since(d.start).Round(time.Second), strings.Join(running, ", "))
}

// Summary writes the end of a release: how many images were pushed, then a
// line per image, failed ones with the reason.
func Summary(w io.Writer, results []Result) {
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	fmt.Fprintf(w, "release: %d of %d images pushed", len(results)-failed, len(results))
	if failed > 0 {
		fmt.Fprintf(w, ", %d failed", failed)
	}
	fmt.Fprintln(w)
	for _, r := range results {
		if r.Err != nil {
			fmt.Fprintf(w, "  FAILED  %s to %s: %v\n", r.Target.Label, r.Target.Repository, r.Err)
		} else {
			fmt.Fprintf(w, "  pushed  %s  %s\n", r.Target.Label, r.Reference)
		}
	}
}

// pushName names one push in the totals line: the label and the
// repository, since an image may go to several.
func (t Target) pushName() string { return t.Label + " to " + t.Repository }
