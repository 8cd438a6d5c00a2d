package load

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"time"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	imagesapi "github.com/containerd/containerd/api/services/images/v1"
	leasesapi "github.com/containerd/containerd/api/services/leases/v1"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	"github.com/rules-goimage/rules_goimage/tools/assembler/output"
)

// containerdTarget is a containerd to load into, and the namespace whose
// images the engine shows: "moby" for Docker, "default" for ctr and
// nerdctl, "k8s.io" for Kubernetes (kind).
type containerdTarget struct {
	address, namespace string
}

// The gRPC metadata by which containerd's API takes the namespace and the
// lease of a call, as containerd's client sends them.
const (
	namespaceHeader = "containerd-namespace"
	leaseHeader     = "containerd-lease"
	// leaseExpiry bounds the life of a lease that a killed load leaves.
	leaseExpiry = time.Hour
)

// loadStats counts what a load wrote, of what the image has.
type loadStats struct {
	blobs, written      int
	bytes, writtenBytes int64
}

// socketPath is the file of a containerd address: a path, or unix://path.
func socketPath(address string) string {
	p := strings.TrimPrefix(address, "unix://")
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// reachable says why the containerd socket cannot be used from here, or nil.
func reachable(address string) error {
	conn, err := net.DialTimeout("unix", socketPath(address), 5*time.Second)
	if err != nil {
		return err
	}
	return conn.Close()
}

// loadContainerd writes to the containerd at t the blobs of c that its
// content store lacks, under a lease, then points an image record per tag
// at c's manifest or index, whose digest it returns.
func loadContainerd(ctx context.Context, t containerdTarget, c output.Content, stderr io.Writer) (v1.Hash, error) {
	if err := reachable(t.address); err != nil {
		return v1.Hash{}, fmt.Errorf("containerd at %s: %w; is it running, and may this user use its socket (sudo, or the socket's group)?", t.address, err)
	}
	conn, err := grpc.NewClient("unix://"+socketPath(t.address), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return v1.Hash{}, fmt.Errorf("containerd at %s: %w", t.address, err)
	}
	defer conn.Close()
	ctx = metadata.AppendToOutgoingContext(ctx, namespaceHeader, t.namespace)

	plan, target, err := planOf(c)
	if err != nil {
		return v1.Hash{}, err
	}
	var stats loadStats
	err = withLease(ctx, leasesapi.NewLeasesClient(conn), func(ctx context.Context, lease string) error {
		var err error
		if stats, err = writeBlobs(ctx, conn, lease, plan); err != nil {
			return err
		}
		return imageRecords{client: imagesapi.NewImagesClient(conn), docker: t.namespace == dockerNamespace}.set(ctx, c.Tags, target)
	})
	if err != nil {
		return v1.Hash{}, fmt.Errorf("loading into containerd at %s, namespace %s: %w", t.address, t.namespace, err)
	}
	names := strings.Join(c.Tags, ", ")
	if names == "" {
		names = "untagged image"
	}
	fmt.Fprintf(stderr, "loaded %s (%s): wrote %d of %d blobs, %d of %d bytes, to containerd at %s namespace %s\n",
		names, target.Digest, stats.written, stats.blobs, stats.writtenBytes, stats.bytes, t.address, t.namespace)
	return target.Digest, nil
}

// planOf lists the blobs of c's image or index, and the descriptor of its root.
func planOf(c output.Content) (*blobPlan, v1.Descriptor, error) {
	p := newBlobPlan()
	var err error
	if c.Index != nil {
		err = p.addIndex(c.Index)
	} else {
		err = p.addImage(c.Image)
	}
	if err != nil {
		return nil, v1.Descriptor{}, err
	}
	return p, p.root(), nil
}

// withLease runs f under a new lease, ended when f returns. The lease
// holds every blob of the image, written or found, until the image records
// refer to them: containerd's garbage collector may run at any time in
// between. It expires by itself should the load be killed.
func withLease(ctx context.Context, leases leasesapi.LeasesClient, f func(context.Context, string) error) error {
	id := leaseID()
	_, err := leases.Create(ctx, &leasesapi.CreateRequest{ID: id, Labels: map[string]string{
		"containerd.io/gc.expire": time.Now().Add(leaseExpiry).UTC().Format(time.RFC3339),
	}})
	if err != nil {
		return fmt.Errorf("creating a lease: %w", err)
	}
	defer leases.Delete(context.WithoutCancel(ctx), &leasesapi.DeleteRequest{ID: id})
	return f(metadata.AppendToOutgoingContext(ctx, leaseHeader, id), id)
}

// writeBlobs writes the blobs of plan that the store lacks.
func writeBlobs(ctx context.Context, conn *grpc.ClientConn, lease string, plan *blobPlan) (loadStats, error) {
	store := contentStore{client: contentapi.NewContentClient(conn)}
	leases := leasesapi.NewLeasesClient(conn)
	var stats loadStats
	for _, b := range plan.blobs {
		stats.blobs++
		stats.bytes += b.desc.Size
		wrote, err := putBlob(ctx, store, leases, lease, b)
		if err != nil {
			return loadStats{}, err
		}
		if wrote {
			stats.written++
			stats.writtenBytes += b.desc.Size
		}
	}
	return stats, nil
}

// putBlob writes b when the store lacks it, and otherwise adds it to the
// lease and completes its labels; it says whether it wrote b.
func putBlob(ctx context.Context, store contentStore, leases leasesapi.LeasesClient, lease string, b blob) (bool, error) {
	labels, have, err := store.info(ctx, b)
	if err != nil {
		return false, err
	}
	if !have {
		return true, store.write(ctx, b)
	}
	_, err = leases.AddResource(ctx, &leasesapi.AddResourceRequest{ID: lease, Resource: &leasesapi.Resource{ID: b.desc.Digest.String(), Type: "content"}})
	if err != nil {
		return false, fmt.Errorf("adding %s to the lease: %w", b.desc.Digest, err)
	}
	return false, store.label(ctx, b, labels)
}

func leaseID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "goimage-load-" + hex.EncodeToString(b)
}
