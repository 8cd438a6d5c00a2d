package release

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/registry"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// Stats counts what sending shared blobs once saved.
type Stats struct {
	// Shared is how many blobs several repositories of one registry needed.
	Shared int
	// Bytes is the size of those blobs, each counted once.
	Bytes int64
	// Mounts is how many times a blob was mounted into a repository
	// instead of uploaded to it.
	Mounts int
}

// sharedBlob is a blob that several repositories of one registry need.
type sharedBlob struct {
	digest v1.Hash
	// owner is the first target whose image holds it, read to send it.
	owner Target
	// repos are the repositories that need it, in the order of the
	// targets, each with the repository its image mounts its base from.
	repos     []name.Repository
	mountFrom []string
}

// shareBlobs sends each blob that several repositories of one registry
// need once: an upload to the first repository that takes it, then a
// mount into each other one. A target whose image cannot be read fails
// here, with why (its push is not tried); a failure to send is dropped,
// since the push that follows meets it again and reports it with the image
// it belongs to.
func shareBlobs(ctx context.Context, targets []plannedTarget, o Options) Stats {
	blobs := findShared(targets, o)
	var (
		stats Stats
		mu    sync.Mutex
		wg    sync.WaitGroup
	)
	slots := make(chan struct{}, o.jobs())
	for _, b := range blobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			size, mounts := sendOnce(ctx, b, o)
			mu.Lock()
			defer mu.Unlock()
			stats.Shared++
			stats.Bytes += size
			stats.Mounts += mounts
		}()
	}
	wg.Wait()
	return stats
}

// sendOnce uploads b to the first of its repositories that accepts it and
// mounts it from there into the others; it returns its size and the number
// of mounts.
func sendOnce(ctx context.Context, b *sharedBlob, o Options) (int64, int) {
	layers, done, err := openBlobs(b.owner)
	if err != nil {
		return 0, 0 // the push meets it again
	}
	defer done()
	var layer v1.Layer
	for _, l := range layers {
		if d, err := l.Digest(); err == nil && d == b.digest {
			layer = l
			break
		}
	}
	if layer == nil {
		return 0, 0
	}
	size, _ := layer.Size()
	opts := registry.RemoteOptions(ctx, o.Registry, nil)
	seed := -1
	for i, repo := range b.repos {
		if remote.WriteLayer(repo, withMount(layer, b.mountFrom[i], repo, o), opts...) == nil {
			seed = i
			break
		}
	}
	if seed < 0 {
		return size, 0
	}
	from := b.repos[seed].Tag("latest") // only its repository is used
	mounts := 0
	for i, repo := range b.repos {
		if i == seed {
			continue
		}
		if remote.WriteLayer(repo, &remote.MountableLayer{Layer: layer, Reference: from}, opts...) == nil {
			mounts++
		}
	}
	return size, mounts
}

// withMount lets the first upload of a blob mount it from the repository
// the image's base came from, as a push of that image alone would.
func withMount(l v1.Layer, mountFrom string, dest name.Repository, o Options) v1.Layer {
	if mountFrom == "" {
		return l
	}
	src, err := name.NewRepository(mountFrom, nameOptions(o)...)
	if err != nil || src.RegistryStr() != dest.RegistryStr() || src.String() == dest.String() {
		return l
	}
	return &remote.MountableLayer{Layer: l, Reference: src.Tag("latest")}
}

// findShared lists the blobs that two or more distinct repositories of
// one registry need, by registry and digest, in a stable order.
func findShared(targets []plannedTarget, o Options) []*sharedBlob {
	byKey := map[string]*sharedBlob{}
	for _, t := range targets {
		if t.err != nil {
			continue
		}
		repo, err := name.NewRepository(t.target.Repository, nameOptions(o)...)
		if err != nil {
			continue // the push reports it
		}
		for _, d := range t.blobs {
			key := repo.RegistryStr() + "@" + d.String()
			b := byKey[key]
			if b == nil {
				b = &sharedBlob{digest: d, owner: t.target}
				byKey[key] = b
			}
			if !containsRepo(b.repos, repo) {
				b.repos = append(b.repos, repo)
				b.mountFrom = append(b.mountFrom, t.target.MountFrom)
			}
		}
	}
	keys := make([]string, 0, len(byKey))
	for k, b := range byKey {
		if len(b.repos) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]*sharedBlob, len(keys))
	for i, k := range keys {
		out[i] = byKey[k]
	}
	return out
}

func containsRepo(repos []name.Repository, r name.Repository) bool {
	for _, x := range repos {
		if x.String() == r.String() {
			return true
		}
	}
	return false
}

// blobsOf lists the layers and configs of an image, or of every image an
// index leads to (store.Walk).
func blobsOf(root *store.Root) ([]v1.Layer, error) {
	if root.Index == nil {
		return imageBlobs(root.Image)
	}
	nodes, err := store.Walk(root.Index)
	if err != nil {
		return nil, err
	}
	var out []v1.Layer
	for _, n := range nodes {
		d := n.Descriptor
		switch {
		case n.Missing != nil:
			return nil, n.Missing
		case !d.MediaType.IsImage():
			continue
		}
		img, err := n.Parent.Image(d.Digest)
		if err != nil {
			return nil, fmt.Errorf("reading image %s: %w", d.Digest, err)
		}
		blobs, err := imageBlobs(img)
		if err != nil {
			return nil, fmt.Errorf("image %s: %w", d.Digest, err)
		}
		out = append(out, blobs...)
	}
	return out, nil
}

func imageBlobs(img v1.Image) ([]v1.Layer, error) {
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("reading its layers: %w", err)
	}
	config, err := partial.ConfigLayer(img)
	if err != nil {
		return nil, fmt.Errorf("reading its config: %w", err)
	}
	return append(layers, config), nil
}

func nameOptions(o Options) []name.Option {
	if o.Insecure {
		return []name.Option{name.Insecure}
	}
	return nil
}
