package push

import (
	"fmt"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// reporter turns upload updates into a line of progress at most every
// interval, so that short pushes stay quiet and long ones show they move.
type reporter struct {
	w        io.Writer
	interval time.Duration
	updates  chan v1.Update
	finished chan struct{}
	done     chan struct{}
}

func newReporter(w io.Writer, interval time.Duration) *reporter {
	if w == nil {
		return &reporter{}
	}
	if interval == 0 {
		interval = 5 * time.Second
	}
	r := &reporter{
		w:        w,
		interval: interval,
		updates:  make(chan v1.Update, 64),
		finished: make(chan struct{}),
		done:     make(chan struct{}),
	}
	go r.run()
	return r
}

func (r *reporter) run() {
	defer close(r.done)
	start := time.Now()
	last := start
	var latest v1.Update
	for {
		select {
		case u, ok := <-r.updates:
			if !ok {
				// go-containerregistry closes the channel when its write returns.
				r.summary(start, last, latest)
				return
			}
			if u.Error == nil {
				latest = u
			}
			if now := time.Now(); now.Sub(last) >= r.interval && latest.Total > 0 {
				last = now
				fmt.Fprintf(r.w, "pushing: %s of %s (%d%%)\n", FormatSize(latest.Complete), FormatSize(latest.Total), 100*latest.Complete/latest.Total)
			}
		case <-r.finished:
			r.summary(start, last, drain(r.updates, latest))
			return
		}
	}
}

// summary closes a push that printed progress with its size and duration.
func (r *reporter) summary(start, last time.Time, u v1.Update) {
	if last != start && u.Total > 0 {
		fmt.Fprintf(r.w, "pushed %s in %s\n", FormatSize(u.Complete), time.Since(start).Round(100*time.Millisecond))
	}
}

// drain takes the updates still buffered when the write has returned.
func drain(updates <-chan v1.Update, latest v1.Update) v1.Update {
	for {
		select {
		case u, ok := <-updates:
			if !ok {
				return latest
			}
			if u.Error == nil {
				latest = u
			}
		default:
			return latest
		}
	}
}

// wait returns once the reporter has printed all it will; call it after the
// write returned, when no more updates come.
func (r *reporter) wait() {
	if r.done == nil {
		return
	}
	close(r.finished)
	<-r.done
}

// FormatSize is n bytes as people read them: "1.5 MiB".
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
