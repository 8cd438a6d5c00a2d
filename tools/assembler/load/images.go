package load

import (
	"context"
	"fmt"

	imagesapi "github.com/containerd/containerd/api/services/images/v1"
	"github.com/containerd/containerd/api/types"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// dockerNamespace is the containerd namespace of Docker's images.
const dockerNamespace = "moby"

// danglingPrefix names, in Docker's namespace, an image that has no tag:
// Docker keeps an image whose last tag moves to another (after a rebuild)
// as moby-dangling@<digest>, shown as <none>, rather than let containerd
// collect it, and its unpacked layers, while a container may still use them.
const danglingPrefix = "moby-dangling@"

// imageRecords are the image records of a containerd namespace.
type imageRecords struct {
	client imagesapi.ImagesClient
	// docker keeps untagged images as Docker does.
	docker bool
}

// set names target with every tag, as containerd image records; with none,
// in Docker's namespace, it records target as a dangling image.
func (r imageRecords) set(ctx context.Context, tags []string, target v1.Descriptor) error {
	t := &types.Descriptor{MediaType: string(target.MediaType), Digest: target.Digest.String(), Size: target.Size}
	if len(tags) == 0 {
		if !r.docker {
			return fmt.Errorf("containerd keeps an image only by a name: give --tag (or --tags-file)")
		}
		return r.create(ctx, danglingPrefix+t.Digest, t)
	}
	for _, tag := range tags {
		name, err := normalizedName(tag)
		if err != nil {
			return err
		}
		if err := r.setOne(ctx, name, t); err != nil {
			return fmt.Errorf("image %s: %w", name, err)
		}
	}
	if r.docker {
		// Tagged now, the image is no longer dangling.
		_, err := r.client.Delete(ctx, &imagesapi.DeleteImageRequest{Name: danglingPrefix + t.Digest})
		if status.Code(err) != codes.NotFound {
			return err
		}
	}
	return nil
}

// setOne creates the record name, or points it at target.
func (r imageRecords) setOne(ctx context.Context, name string, target *types.Descriptor) error {
	old, err := r.client.Get(ctx, &imagesapi.GetImageRequest{Name: name})
	if status.Code(err) == codes.NotFound {
		return r.create(ctx, name, target)
	}
	if err != nil {
		return err
	}
	previous := old.GetImage().GetTarget()
	if previous.GetDigest() == target.Digest {
		return nil
	}
	_, err = r.client.Update(ctx, &imagesapi.UpdateImageRequest{
		Image:      &imagesapi.Image{Name: name, Target: target},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"target"}},
	})
	if err != nil || !r.docker {
		return err
	}
	return r.keepIfDangling(ctx, previous)
}

// keepIfDangling records the image that a tag no longer names as dangling,
// when no other record names it, as Docker does.
func (r imageRecords) keepIfDangling(ctx context.Context, target *types.Descriptor) error {
	others, err := r.client.List(ctx, &imagesapi.ListImagesRequest{Filters: []string{"target.digest==" + target.GetDigest()}})
	if err != nil || len(others.GetImages()) > 0 {
		return err
	}
	return r.create(ctx, danglingPrefix+target.GetDigest(), target)
}

// create creates the record name, which a concurrent load may have made.
func (r imageRecords) create(ctx context.Context, name string, target *types.Descriptor) error {
	_, err := r.client.Create(ctx, &imagesapi.CreateImageRequest{Image: &imagesapi.Image{Name: name, Target: target}})
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	return err
}
