package output

import (
	"archive/tar"
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// WriteTarball writes img to path as a tarball that is an OCI image layout
// and a Docker archive at once.
func WriteTarball(path string, img v1.Image, tags []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	buffered := bufio.NewWriterSize(tmp, 1<<20)
	tw := tar.NewWriter(buffered)
	err = writeImage(&tarSink{tw: tw}, img, tags)
	if err == nil {
		err = tw.Close()
	}
	if err == nil {
		err = buffered.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return os.Rename(tmp.Name(), path)
}

// WriteLayout writes img as an OCI image layout directory at dir, replacing
// what was there.
func WriteLayout(dir string, img v1.Image, tags []string) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-"+filepath.Base(dir)+"-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := writeImage(&dirSink{root: tmp}, img, tags); err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}
