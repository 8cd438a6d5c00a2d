package output

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
)

// WriteTarball writes c to path as a tarball that is an OCI image layout and
// a Docker archive at once.
func WriteTarball(path string, c Content) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		tw := tar.NewWriter(w)
		if err := writeContent(&tarSink{tw: tw}, c); err != nil {
			return err
		}
		return tw.Close()
	})
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

// WriteFile writes b to path so that a failure leaves no partial file.
func WriteFile(path string, b []byte) error { return atomicfile.WriteBytes(path, b) }
