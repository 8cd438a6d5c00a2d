// Package verify checks blob content against the digest that names it.
//
// Every blob the assembler reads from a base image, a prebuilt layer or an
// image it indexes goes through here, so a corrupted or truncated file is
// reported instead of being copied into an output.
package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// MismatchError reports content that does not match its digest or size.
type MismatchError struct {
	// What names the blob, e.g. "layer sha256:... in base.tar".
	What     string
	Want     v1.Hash
	Got      v1.Hash
	WantSize int64
	GotSize  int64
	// AtLeast marks a GotSize that is where reading stopped, not the end.
	AtLeast bool
}

func (e *MismatchError) Error() string {
	if e.AtLeast {
		return fmt.Sprintf("%s is longer than the %d bytes its descriptor says: the file or its descriptor was modified; re-create it", e.What, e.WantSize)
	}
	if e.WantSize >= 0 && e.GotSize != e.WantSize {
		return fmt.Sprintf("%s is %d bytes, but its descriptor says %d: the file is truncated or was modified; re-create it", e.What, e.GotSize, e.WantSize)
	}
	return fmt.Sprintf("%s hashes to %s, not to its digest %s: the file is corrupt or was modified; re-create it", e.What, e.Got, e.Want)
}

// Bytes checks that b hashes to want.
func Bytes(b []byte, want v1.Hash, what string) error {
	if want.Algorithm != "sha256" {
		return fmt.Errorf("%s: unsupported digest algorithm %q, only sha256 is", what, want.Algorithm)
	}
	sum := sha256.Sum256(b)
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	if got != want {
		return &MismatchError{What: what, Want: want, Got: got, WantSize: -1, GotSize: int64(len(b))}
	}
	return nil
}

// ReadCloser wraps rc so that reading it to the end checks its content
// against want and, when size is not negative, its length against size. A
// mismatch is returned by Read in place of io.EOF.
func ReadCloser(rc io.ReadCloser, want v1.Hash, size int64, what string) (io.ReadCloser, error) {
	if want.Algorithm != "sha256" {
		rc.Close()
		return nil, fmt.Errorf("%s: unsupported digest algorithm %q, only sha256 is", what, want.Algorithm)
	}
	return &reader{rc: rc, h: sha256.New(), want: want, size: size, what: what}, nil
}

type reader struct {
	rc   io.ReadCloser
	h    hash.Hash
	n    int64
	want v1.Hash
	size int64
	what string
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if r.size >= 0 && r.n+int64(n) > r.size {
		// Never hand on more than the descriptor says: a writer of the
		// declared size would fail with a message that names nothing.
		over := r.n + int64(n)
		n = int(r.size - r.n)
		r.h.Write(p[:n])
		r.n += int64(n)
		return n, &MismatchError{What: r.what, Want: r.want, WantSize: r.size, GotSize: over, AtLeast: true}
	}
	r.h.Write(p[:n])
	r.n += int64(n)
	if err == io.EOF {
		if cerr := r.check(); cerr != nil {
			return n, cerr
		}
	}
	return n, err
}

func (r *reader) check() error {
	got := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(r.h.Sum(nil))}
	if got != r.want || (r.size >= 0 && r.n != r.size) {
		return &MismatchError{What: r.what, Want: r.want, Got: got, WantSize: r.size, GotSize: r.n}
	}
	return nil
}

func (r *reader) Close() error { return r.rc.Close() }

// SizeReadCloser wraps rc so that reading it to the end checks its length
// against size only: for blobs that were verified when they entered.
func SizeReadCloser(rc io.ReadCloser, size int64, what string) io.ReadCloser {
	return &sizeReader{rc: rc, size: size, what: what}
}

type sizeReader struct {
	rc      io.ReadCloser
	n, size int64
	what    string
}

func (r *sizeReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if r.n+int64(n) > r.size {
		over := r.n + int64(n)
		n = int(r.size - r.n)
		r.n += int64(n)
		return n, &MismatchError{What: r.what, WantSize: r.size, GotSize: over, AtLeast: true}
	}
	r.n += int64(n)
	if err == io.EOF && r.n != r.size {
		return n, &MismatchError{What: r.what, WantSize: r.size, GotSize: r.n}
	}
	return n, err
}

func (r *sizeReader) Close() error { return r.rc.Close() }
