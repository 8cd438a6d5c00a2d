package layer

import (
	"archive/tar"
	"bytes"
	"io"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// indexingWriter is a tar writer that records what each entry it writes
// does to the file system (package fsindex), so that the index a layer's
// descriptor carries is made from the very headers of its tar, whatever
// wrote them: a --tar's entries, files, directories or symlinks.
type indexingWriter struct {
	*tar.Writer
	fs *fsindex.Layer // nil: record nothing
	// pending is an entry whose content the index reads (an accounts
	// file's, or a file's first bytes for its ELF header), kept with as
	// much of its content as the index reads until the next entry or Close.
	pending *tar.Header
	keep    int64
	content bytes.Buffer
}

func newIndexingWriter(w io.Writer, fs *fsindex.Layer) *indexingWriter {
	return &indexingWriter{Writer: tar.NewWriter(w), fs: fs}
}

func (w *indexingWriter) WriteHeader(hdr *tar.Header) error {
	if err := w.record(); err != nil {
		return err
	}
	if err := w.Writer.WriteHeader(hdr); err != nil {
		return err
	}
	if w.fs == nil {
		return nil
	}
	if n := fsindex.ContentRead(hdr); n > 0 {
		h := *hdr
		w.pending, w.keep = &h, n
		return nil
	}
	return w.fs.Add(hdr, nil)
}

func (w *indexingWriter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	if room := w.keep - int64(w.content.Len()); w.pending != nil && room > 0 {
		w.content.Write(p[:min(int64(n), room)])
	}
	return n, err
}

func (w *indexingWriter) Close() error {
	if err := w.record(); err != nil {
		return err
	}
	return w.Writer.Close()
}

// record adds the pending entry, with its content, to the index.
func (w *indexingWriter) record() error {
	if w.pending == nil {
		return nil
	}
	err := w.fs.Add(w.pending, &w.content)
	w.pending = nil
	w.content.Reset()
	return err
}
