package output

import (
	"archive/tar"
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// WriteTarball writes c to path as a tarball that is an OCI image layout and
// a Docker archive at once.
func WriteTarball(path string, c Content) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	buffered := bufio.NewWriterSize(tmp, 1<<20)
	tw := tar.NewWriter(buffered)
	err = writeContent(&tarSink{tw: tw}, c)
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

// WriteLayout writes c as an OCI image layout directory at dir, replacing
// what was there.
func WriteLayout(dir string, c Content) error {
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".tmp-"+filepath.Base(dir)+"-*")
	if err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := writeContent(&dirSink{root: tmp}, c); err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return os.Rename(tmp, dir)
}

// WriteFile writes b to path through a temporary file, so that a failure
// leaves no partial file.
func WriteFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(b)
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
