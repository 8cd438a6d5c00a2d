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
// An image is open only while it is read (to list its blobs, to send a
// shared one, to push it), so a release holds at most Jobs images open
// however many it lists.
//
// A failing target does not stop the others: Run returns a Result for every
// target, which the progress display, the summary and the refs file (the
// reference by digest of each pushed image, for the deploy step) all read.
package release

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

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
	planned := planAll(targets)
	stats := shareBlobs(ctx, planned, o)
	show := newDisplay(o.Progress, len(targets), o.Interval)
	defer show.stop()
	show.shared(stats)

	results := make([]Result, len(targets))
	slots := make(chan struct{}, o.jobs())
	var wg sync.WaitGroup
	for i := range planned {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			show.started(planned[i].target)
			results[i] = pushOne(ctx, planned[i], o)
			show.finished(results[i])
		}()
	}
	wg.Wait()
	return results, stats
}

// pushOne opens one planned target's image and pushes it with package push.
func pushOne(ctx context.Context, t plannedTarget, o Options) Result {
	start := time.Now()
	r := Result{Target: t.target}
	if t.err != nil {
		r.Err = t.err
	} else if err := ctx.Err(); err != nil {
		r.Err = err
	} else {
		r.Reference, r.Err = openAndPush(ctx, t.target, o)
	}
	r.Duration = time.Since(start)
	return r
}

func openAndPush(ctx context.Context, t Target, o Options) (string, error) {
	s, err := t.Open()
	if err != nil {
		return "", err
	}
	defer s.Close()
	ref, err := push.Push(ctx, s, push.Options{
		Repository: t.Repository,
		Tags:       t.Tags,
		MountFrom:  t.MountFrom,
		Insecure:   o.Insecure,
		Registry:   o.Registry,
		Signer:     o.Signer,
	})
	if err != nil {
		return "", err
	}
	return ref.String(), nil
}

// plannedTarget is a target with the digests of the blobs its image
// needs, or why its image could not be read. Images are opened only while
// they are read (here, to send a shared blob, to push), so that a release
// of thousands holds at most Jobs of them open at a time.
type plannedTarget struct {
	target Target
	blobs  []v1.Hash
	err    error
}

func planAll(targets []Target) []plannedTarget {
	out := make([]plannedTarget, len(targets))
	for i, t := range targets {
		out[i].target = t
		out[i].blobs, out[i].err = blobDigests(t)
	}
	return out
}

// blobDigests opens t's image and lists the digests of its blobs.
func blobDigests(t Target) ([]v1.Hash, error) {
	layers, done, err := openBlobs(t)
	if err != nil {
		return nil, err
	}
	defer done()
	out := make([]v1.Hash, len(layers))
	for i, l := range layers {
		if out[i], err = l.Digest(); err != nil {
			return nil, fmt.Errorf("reading the image's blobs: %w", err)
		}
	}
	return out, nil
}

// openBlobs opens t's image and lists its blobs; done closes the image.
func openBlobs(t Target) ([]v1.Layer, func(), error) {
	s, err := t.Open()
	if err != nil {
		return nil, nil, err
	}
	root, err := s.Root()
	if err == nil {
		var layers []v1.Layer
		if layers, err = blobsOf(root); err == nil {
			return layers, func() { s.Close() }, nil
		}
		err = fmt.Errorf("reading the image's blobs: %w", err)
	}
	s.Close()
	return nil, nil, err
}

// jobs is how many pushes or uploads run at a time.
func (o Options) jobs() int {
	if o.Jobs <= 0 {
		return DefaultJobs
	}
	return o.Jobs
}
