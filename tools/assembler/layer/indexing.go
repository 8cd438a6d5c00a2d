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
	// pending is an entry whose content the index reads (an accounts file),
	// kept with its content until the next entry or Close.
	pending *tar.Header
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
	if fsindex.ReadsContent(hdr) {
		h := *hdr
		w.pending = &h
		return nil
	}
	return w.fs.Add(hdr, nil)
}

func (w *indexingWriter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	if w.pending != nil {
		w.content.Write(p[:n])
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
