package store

import (
	"errors"
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Node is a manifest that an index leads to.
type Node struct {
	Descriptor v1.Descriptor
	// Parent is the index that lists it: Parent.Image(Descriptor.Digest)
	// reads it.
	Parent v1.ImageIndex
	// Top is the descriptor of the walked index that it was reached
	// through; in index.json, its annotations name the image.
	Top v1.Descriptor
	// Depth is 0 for the walked index's own descriptors.
	Depth int
	// Missing is why a nested index could not be read, when the store lacks
	// it; its children are then unknown.
	Missing error
}

// MaxManifests bounds the walk: no image has this many platforms, and a
// malicious index that fans out cannot make the walk run for long.
const MaxManifests = 10000

// Walk lists every manifest that idx leads to, nested indexes included,
// breadth first, and artifact indexes without what they hold. Each distinct digest is listed once, however many indexes
// list it, so the time is linear in the number of distinct manifests.
func Walk(idx v1.ImageIndex) ([]Node, error) {
	m, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var queue []Node
	for _, d := range m.Manifests {
		queue = append(queue, Node{Descriptor: d, Parent: idx, Top: d})
	}
	seen := map[v1.Hash]bool{}
	var out []Node
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		if seen[n.Descriptor.Digest] {
			continue
		}
		seen[n.Descriptor.Digest] = true
		if len(out) == MaxManifests {
			return nil, fmt.Errorf("the index leads to more than %d manifests; no image has that many, it is malformed", MaxManifests)
		}
		children, err := expand(&n)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
		queue = append(queue, children...)
	}
	return out, nil
}

// expand reads the children of a nested index node. What an artifact index
// holds is the artifact's, not images of the walked index: it is listed,
// not walked into.
func expand(n *Node) ([]Node, error) {
	if KindOf(n.Descriptor) != KindIndex {
		return nil, nil
	}
	child, err := n.Parent.ImageIndex(n.Descriptor.Digest)
	if err == nil {
		var m *v1.IndexManifest
		if m, err = child.IndexManifest(); err == nil {
			out := make([]Node, 0, len(m.Manifests))
			for _, d := range m.Manifests {
				out = append(out, Node{Descriptor: d, Parent: child, Top: n.Top, Depth: n.Depth + 1})
			}
			return out, nil
		}
	}
	var missing *MissingBlobError
	if errors.As(err, &missing) {
		n.Missing = err
		return nil, nil
	}
	return nil, fmt.Errorf("reading index %s: %w", n.Descriptor.Digest, err)
}
