package base

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// annotationImageName is where containerd and Docker 25+ record the full
// name of an image in index.json.
const annotationImageName = "io.containerd.image.name"

// openFile opens a layout directory, an OCI archive or a docker save
// tarball. index.json wins over manifest.json when an archive has both
// (Docker 25+), since only it records platforms.
func openFile(path string, platform v1.Platform, o options) (*Base, error) {
	s, err := store.Open(path)
	if err != nil {
		return nil, fmt.Errorf("base %s: %w", path, err)
	}
	var b *Base
	switch {
	case s.HasOCIIndex():
		b, err = fromIndex(s, platform, o)
	case s.HasDockerManifest():
		b, err = fromDockerManifest(s, platform, o)
	default:
		err = fmt.Errorf("it has neither %s nor %s, so it is neither an OCI image layout nor a docker save tarball", store.IndexFile, store.DockerManifestFile)
	}
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("base %s: %w", path, err)
	}
	b.close = s.Close
	return b, nil
}

func fromIndex(s *store.Store, platform v1.Platform, o options) (*Base, error) {
	idx, err := s.Index()
	if err != nil {
		return nil, err
	}
	m, err := pickPlatform(idx, platform)
	if err != nil {
		return nil, err
	}
	img, err := toOCI(m.image, o.workDir)
	if err != nil {
		return nil, err
	}
	return &Base{Image: img, Name: m.top.Annotations[annotationImageName], Digest: m.desc.Digest}, nil
}

// fromDockerManifest opens a classic docker save tarball, whose images have
// no manifest and so no digest to record.
func fromDockerManifest(s *store.Store, platform v1.Platform, o options) (*Base, error) {
	images, err := s.DockerImages()
	if isMissing(err) {
		return nil, fmt.Errorf("%w; the archive is incomplete: save the image again (docker save IMAGE)", err)
	}
	if err != nil {
		return nil, err
	}
	found, present, err := dockerImagesFor(images, platform)
	if err != nil {
		return nil, err
	}
	switch {
	case len(found) == 0:
		return nil, fmt.Errorf("no image for platform %s (it has: %s); pick one of those platforms or save an image for %s",
			platform.String(), listOrNone(unique(present)), platform.String())
	case len(found) > 1:
		return nil, fmt.Errorf("it holds %d %s images; save just the one you want (docker save IMAGE)", len(found), platform.String())
	}
	img, err := toOCI(found[0].Image, o.workDir)
	if err != nil {
		return nil, err
	}
	b := &Base{Image: img}
	if len(found[0].RepoTags) > 0 {
		b.Name = found[0].RepoTags[0]
	}
	return b, nil
}

// dockerImagesFor returns the images for platform, and every platform seen.
func dockerImagesFor(images []store.DockerImage, platform v1.Platform) ([]store.DockerImage, []string, error) {
	var found []store.DockerImage
	var present []string
	for _, di := range images {
		p, err := imagePlatform(di.Image)
		if err != nil {
			return nil, nil, err
		}
		present = append(present, p.String())
		if satisfies(p, platform) {
			found = append(found, di)
		}
	}
	return found, present, nil
}

// imagePlatform is the platform an image's config declares.
func imagePlatform(img v1.Image) (v1.Platform, error) {
	cf, err := img.ConfigFile()
	if err != nil {
		return v1.Platform{}, fmt.Errorf("reading the image config: %w", err)
	}
	if p := cf.Platform(); p != nil {
		return *p, nil
	}
	return v1.Platform{}, nil
}
