// Package sniff reads the first bytes of a file, which tell its format.
package sniff

import (
	"errors"
	"io"
)

// Head reads up to n bytes from the start of r. A shorter file is no error
// (its format is told from what there is), but a failing read is: it must
// not read as a file of another format.
func Head(r io.Reader, n int) ([]byte, error) {
	b := make([]byte, n)
	got, err := io.ReadFull(r, b)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return b[:got], nil
}
