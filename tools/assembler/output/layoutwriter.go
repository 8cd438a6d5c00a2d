package output

import (
	"context"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
)

// LayoutWriter writes an OCI image layout directory as its content
// arrives: each blob as it is fetched and checked, then oci-layout and
// index.json once, at Finish, which make the folder a layout. An import
// writes a base so, as it reads it, and stages the folder as a whole
// (atomicfile.Batch.Dir), so a failed import leaves nothing behind.
type LayoutWriter struct {
	blobs *blobWriter
	index *v1.IndexManifest
}

// NewLayoutWriter starts a layout in dir, a new or empty folder. A
// cancelled ctx stops the copying of a blob.
func NewLayoutWriter(ctx context.Context, dir string) (*LayoutWriter, error) {
	w := &LayoutWriter{blobs: newBlobWriter(&dirSink{ctx: ctx, root: dir}), index: newIndexManifest()}
	return w, w.blobs.start()
}

// HasBlob reports whether the blob h is written.
func (w *LayoutWriter) HasBlob(h v1.Hash) bool { return w.blobs.written[h] }

// WriteBlob writes the blob h, the size bytes that r reads, unless it is
// written already. After an error, it may be written again.
func (w *LayoutWriter) WriteBlob(h v1.Hash, size int64, r io.Reader) error {
	return w.blobs.blob(h, size, r)
}

// WriteBytes writes the blob h that b holds, a manifest or a config.
func (w *LayoutWriter) WriteBytes(h v1.Hash, b []byte) error { return w.blobs.bytes(h, b) }

// WriteFSIndex writes the index of the file system of the image whose
// manifest has digest manifest, and returns its file, relative to the
// layout.
func (w *LayoutWriter) WriteFSIndex(manifest v1.Hash, x *fsindex.Index) (string, error) {
	if err := w.blobs.s.addDir(fsindex.LayoutDir); err != nil {
		return "", err
	}
	name := fsindex.LayoutFile(manifest)
	return name, addJSON(w.blobs.s, name, x)
}

// Append lists d in index.json; its blobs are written.
func (w *LayoutWriter) Append(d v1.Descriptor) { w.index.Manifests = append(w.index.Manifests, d) }

// Finish writes oci-layout and index.json.
func (w *LayoutWriter) Finish() error { return writeLayoutFiles(w.blobs.s, w.index) }
