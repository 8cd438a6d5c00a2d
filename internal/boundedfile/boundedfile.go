// Package boundedfile reads small files that others give (keys, digest
// files, manifests, a .ko.yaml) within a size limit: a FIFO or a device
// given in their place would block or never end, and a huge file would be
// read whole.
package boundedfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge is the error of a file larger than the limit.
var ErrTooLarge = errors.New("the file is larger than the limit")

// NotRegularError is the error of a path that is not a regular file; it
// reads "is not a regular file (TYPE), which could block or never end".
type NotRegularError struct{ Type fs.FileMode }

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("is not a regular file (%s), which could block or never end", e.Type)
}

// Read reads the regular file at path, refusing any other kind before it
// is opened and one larger than limit bytes before it is read whole. Other
// errors are those of os.Stat, os.Open and reading, which name the path.
func Read(path string, limit int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &NotRegularError{Type: fi.Mode().Type()}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, ErrTooLarge
	}
	return b, nil
}
