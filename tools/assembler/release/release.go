// Package release pushes a set of images, a release, in one run.
//
// A release is a list of targets: an image (an OCI layout the store reads)
// and a repository to push it to, with tags. The same image may be listed
// with several repositories, and several images may share a repository.
// Run pushes them in two steps:
//
//  1. Blobs that several repositories of one registry need (a shared base's
//     layers, or every blob of an image pushed to two repositories) are sent
//     once: uploaded to the first repository that takes them, then mounted
//     into the others (the registry's cross-repository mount), so they cross
//     the network once. This step only saves bytes: an image it cannot read
//     fails here, with why; a failure to send is left for the second step
//     to meet and report.
//  2. Each target is pushed with package push, a few at a time (Jobs). Push
//     finds the shared blobs already there and uploads only the rest.
//
// A failing target does not stop the others: Run returns a Result for every
// target, which the progress display, the summary and the refs file (the
// reference by digest of each pushed image, for the deploy step) all read.
package release

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/rules-goimage/rules_goimage/tools/assembler/push"
	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sign"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// DefaultJobs is how many images are pushed at a time unless told.
const DefaultJobs = 4

// Target is one image to push to one repository.
type Target struct {
	// Label names the image for people and in the refs file, such as
	// "//app:image".
	Label string
	// Repository is the destination, such as "registry.example.com/team/app".
	Repository string
	// Tags name the pushed image in Repository; none pushes by digest only.
	Tags []string
	// MountFrom is a repository of the same registry holding the image's
	// base, whose blobs are mounted instead of uploaded; may be empty.
	MountFrom string
	// Open opens the image; the release closes it.
	Open func() (*store.Store, error)
}

// Options says how to push a release.
type Options struct {
	// Jobs is how many images are pushed at a time; zero means DefaultJobs.
	Jobs int
	// Insecure allows plain HTTP to registries other than localhost.
	Insecure bool
	// Registry says how to reach registries: credentials, transport, retries.
	Registry registry.Options
	// Progress receives a line per finished image and periodic totals; nil:
	// silent.
	Progress io.Writer
	// Interval is the least time between two lines of totals; zero means
	// ten seconds.
	Interval time.Duration
	// Signer, when set, signs every pushed image as push does.
	Signer sign.Signer
}

// Result is what became of one target.
type Result struct {
	Target Target
	// Reference is the pushed image by digest, repository@sha256:...; empty
	// when the push failed.
	Reference string
	// Err says why the target was not pushed; nil when it was.
	Err error
	// Duration is how long the push took.
	Duration time.Duration
}

// Pushed says whether the target was pushed.
func (r Result) Pushed() bool { return r.Err == nil }

// Run pushes every target and returns a Result for each, in the order of
// targets. It fails as a whole only when ctx is canceled before it starts.
func Run(ctx context.Context, targets []Target, o Options) ([]Result, Stats) {
	opened := openAll(targets)
	defer closeAll(opened)
	stats := shareBlobs(ctx, opened, o)
	show := newDisplay(o.Progress, len(targets), o.Interval)
	defer show.stop()
	show.shared(stats)

	results := make([]Result, len(targets))
	slots := make(chan struct{}, o.jobs())
	var wg sync.WaitGroup
	for i := range opened {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			show.started(opened[i].target)
			results[i] = pushOne(ctx, opened[i], o)
			show.finished(results[i])
		}()
	}
	wg.Wait()
	return results, stats
}

// pushOne pushes one opened target with package push.
func pushOne(ctx context.Context, t openTarget, o Options) Result {
	start := time.Now()
	r := Result{Target: t.target}
	if t.err != nil {
		r.Err = t.err
	} else if err := ctx.Err(); err != nil {
		r.Err = err
	} else {
		var ref name.Digest
		ref, r.Err = push.Push(ctx, t.store, push.Options{
			Repository: t.target.Repository,
			Tags:       t.target.Tags,
			MountFrom:  t.target.MountFrom,
			Insecure:   o.Insecure,
			Registry:   o.Registry,
			Signer:     o.Signer,
		})
		if r.Err == nil {
			r.Reference = ref.String()
		}
	}
	r.Duration = time.Since(start)
	return r
}

// openTarget is a target with its image opened, or why it could not be.
type openTarget struct {
	target Target
	store  *store.Store
	root   *store.Root
	err    error
}

func openAll(targets []Target) []openTarget {
	out := make([]openTarget, len(targets))
	for i, t := range targets {
		out[i].target = t
		out[i].store, out[i].err = t.Open()
		if out[i].err == nil {
			out[i].root, out[i].err = out[i].store.Root()
		}
	}
	return out
}

func closeAll(opened []openTarget) {
	for _, t := range opened {
		if t.store != nil {
			t.store.Close()
		}
	}
}

// jobs is how many pushes or uploads run at a time.
func (o Options) jobs() int {
	if o.Jobs <= 0 {
		return DefaultJobs
	}
	return o.Jobs
}
