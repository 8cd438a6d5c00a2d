// Package store reads images that are saved as files, and is the one reader
// of them in the assembler: OCI image layouts (a directory, or a tar archive
// of one, plain or compressed) and image archives with a Docker
// manifest.json. Those are what `docker save` writes (classic and Docker
// 25+), what containerd's `ctr image export` writes, what skopeo and umoci
// write, and go-containerregistry's tarballs (crane, ko). Every verb that
// reads an image from files goes through here: build (its base), import,
// index, pack, push, load and inspect.
//
// Nothing is trusted:
//   - every blob is read through package verify, so content that does not
//     hash to its digest is an error, and a blob that an index or manifest
//     lists but the store does not contain is a *MissingBlobError that names
//     it. Engines that use the containerd image store write such archives:
//     they list every platform of an image but hold only those pulled;
//   - reads stay beneath the root: names with ".." and symlinks are resolved
//     inside the directory or archive, and a symlink that leads out of a
//     directory is refused (unless WithFollowSymlinks: Bazel's sandboxes
//     present every input as such a symlink);
//   - only regular files are read, so a FIFO never blocks a read;
//   - nested indexes are walked once per distinct digest (Walk), so time is
//     linear in the number of distinct manifests, whatever the nesting.
package store

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/verify"
)

// Well-known file names of layouts and archives.
const (
	IndexFile          = "index.json"
	OCILayoutFile      = "oci-layout"
	DockerManifestFile = "manifest.json"
)

// Store is an opened image layout directory or image archive.
type Store struct {
	path  string
	files files
	// extra holds blobs kept outside the layout, by digest: a layout that
	// Bazel actions write holds its own manifests and configs, and names its
	// layers' files on the command line.
	extra map[v1.Hash]string
	// blobDirs are layout directories that hold blobs kept outside the layout.
	blobDirs []string
	// layersElsewhere lets images list layers the store does not hold.
	layersElsewhere bool
	// trusted skips hashing blobs as they are read; sizes are still checked.
	trusted bool
	// checkLayers checks each layer's content against its diff_id as it is read.
	checkLayers bool
	// remote serves the blobs that neither the layout nor the files beside
	// it hold: the layers of a base imported without them.
	remote BlobSource
	// layerIndexes are files that index single layers' files, by layer
	// digest, for FSIndex.
	layerIndexes map[v1.Hash]string
}

type options struct {
	followSymlinks  bool
	layersElsewhere bool
	trusted         bool
	checkLayers     bool
	workDir         string
	extra           map[v1.Hash]string
	blobDirs        []string
	remote          BlobSource
	layerIndexes    map[v1.Hash]string
}

// Option configures Open.
type Option func(*options)

// WithFollowSymlinks lets symlinks in a layout directory lead out of it.
// Bazel sets up every input of a sandboxed action as a symlink to the file
// Bazel made, so actions read their inputs this way; a layout directory
// that a user hands over is read without it.
func WithFollowSymlinks() Option { return func(o *options) { o.followSymlinks = true } }

// WithWorkDir sets where a compressed archive is decompressed to before it
// is read. Default: the system's temporary directory.
func WithWorkDir(dir string) Option { return func(o *options) { o.workDir = dir } }

// WithBlobFiles adds blobs that are files outside the layout, by digest.
// They are read as given (they are named explicitly), and verified too.
func WithBlobFiles(files map[v1.Hash]string) Option {
	return func(o *options) { o.extra = files }
}

// WithBlobDirs adds the blobs of layout directories (blobs/sha256/<hex>)
// that the layout leaves out: an imported base, which a Bazel action is
// given as one folder.
func WithBlobDirs(dirs []string) Option { return func(o *options) { o.blobDirs = dirs } }

// WithLayersElsewhere opens a thin layout (one that `assembler build
// --thin-layout` wrote): its images' layers are not in it, and reading one
// is an error; manifests and configs are read as usual.
func WithLayersElsewhere() Option { return func(o *options) { o.layersElsewhere = true } }

// WithTrustedBlobs reads blobs without hashing them: for blobs that were
// verified when they entered (a base's at its import, a layer's as its
// action wrote it), which Bazel hands to actions unchanged. Their sizes are
// still checked, so a truncated file is still refused.
func WithTrustedBlobs() Option { return func(o *options) { o.trusted = true } }

// WithLayerChecks checks each layer, as it is read, against its media type
// and the diff_id its image's config records: for images that enter a build
// by being read whole (a base given to `assembler build --output`).
func WithLayerChecks() Option { return func(o *options) { o.checkLayers = true } }

// WithRemoteBlobs reads the blobs that the store does not hold from src:
// a base imported with its manifests and configs only, whose layers stay in
// its registry until something reads them. They are always verified against
// their digests, trusted or not.
func WithRemoteBlobs(src BlobSource) Option { return func(o *options) { o.remote = src } }

// WithLayerIndexes adds files that index the files of single layers
// (fsindex.Layer as JSON), by layer digest: FSIndex folds them into the
// index of an image whose layout has none.
func WithLayerIndexes(files map[v1.Hash]string) Option {
	return func(o *options) { o.layerIndexes = files }
}

// Open opens the layout directory or archive at path.
func Open(path string, opts ...Option) (*Store, error) {
	o := options{workDir: os.TempDir()}
	for _, opt := range opts {
		opt(&o)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	for _, dir := range o.blobDirs {
		if bi, err := os.Stat(filepath.Join(dir, "blobs", "sha256")); err != nil || !bi.IsDir() {
			return nil, fmt.Errorf("%s has no blobs/sha256/ folder; a folder of blobs is an OCI image layout directory", dir)
		}
	}
	s := &Store{path: path, extra: o.extra, blobDirs: o.blobDirs, layersElsewhere: o.layersElsewhere, trusted: o.trusted, checkLayers: o.checkLayers,
		remote: o.remote, layerIndexes: o.layerIndexes}
	switch {
	case fi.IsDir():
		s.files, err = openDir(path, o.followSymlinks)
	case fi.Mode().IsRegular():
		var t *tarFiles
		t, err = openArchive(path, o.workDir)
		s.files = t
	default:
		err = fmt.Errorf("%s is neither a directory nor a regular file", path)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the archive file and any decompressed copy of it.
func (s *Store) Close() error { return s.files.close() }

// Path is the path the store was opened from.
func (s *Store) Path() string { return s.path }

// HasOCIIndex reports whether the store is an OCI layout (it has index.json).
func (s *Store) HasOCIIndex() bool { return s.files.exists(IndexFile) }

// HasDockerManifest reports whether the store has a Docker manifest.json.
func (s *Store) HasDockerManifest() bool { return s.files.exists(DockerManifestFile) }

// HasBlob reports whether the store contains the blob h.
func (s *Store) HasBlob(h v1.Hash) bool { return s.hasFile(blobName(h), h) }

// hasFile reports whether the store holds file, or else the blob h elsewhere.
func (s *Store) hasFile(file string, h v1.Hash) bool {
	if _, ok := s.blobElsewhere(h); ok {
		return true
	}
	return s.files.exists(file)
}

// blobElsewhere is the file of the blob h outside the layout, if there is one.
func (s *Store) blobElsewhere(h v1.Hash) (string, bool) {
	if p, ok := s.extra[h]; ok {
		return p, true
	}
	for _, dir := range s.blobDirs {
		p := filepath.Join(dir, filepath.FromSlash(blobName(h)))
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// Blob opens the blob h, which must be size bytes long (or any size when
// size is negative). Reading it to the end verifies it.
func (s *Store) Blob(h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	return s.openBlob(blobName(h), h, size, role)
}

// openBlob opens the blob h at file, or where WithBlobFiles put it.
func (s *Store) openBlob(file string, h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	if p, ok := s.blobElsewhere(h); ok {
		return s.openExtra(p, h, size, role)
	}
	return s.openVerified(file, h, size, role)
}

// ReadBlob reads and verifies the blob h, a manifest or config: small
// enough to hold in memory.
func (s *Store) ReadBlob(h v1.Hash, size int64, role string) ([]byte, error) {
	if size > maxMetadataSize {
		return nil, fmt.Errorf("%s %s in %s is %d bytes by its descriptor, more than any manifest or config; the image is malformed", role, h, s.path, size)
	}
	rc, err := s.Blob(h, size, role)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMetadataSize+1))
	if err == nil && len(b) > maxMetadataSize {
		err = fmt.Errorf("%s %s in %s is larger than %d MiB, more than any manifest or config; the image is malformed", role, h, s.path, maxMetadataSize>>20)
	}
	return b, err
}

func (s *Store) openExtra(p string, h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	f, err := openRegular(p)
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", role, h, err)
	}
	return s.check(f, h, size, fmt.Sprintf("%s (blob %s, %s)", role, h, p))
}

// check verifies what rc reads against h and size, or only against size
// for trusted blobs.
func (s *Store) check(rc io.ReadCloser, h v1.Hash, size int64, what string) (io.ReadCloser, error) {
	if s.trusted && size >= 0 {
		return verify.SizeReadCloser(rc, size, what), nil
	}
	return verify.ReadCloser(rc, h, size, what)
}

func (s *Store) openVerified(name string, h v1.Hash, size int64, role string) (io.ReadCloser, error) {
	if !s.files.exists(name) && s.remote != nil {
		return s.openRemote(h, size, role)
	}
	if !s.files.exists(name) {
		return nil, &MissingBlobError{Store: s.path, Digest: h, Role: role, File: name}
	}
	rc, _, err := s.files.open(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s %s from %s: %w", role, h, s.path, err)
	}
	return s.check(rc, h, size, fmt.Sprintf("%s (blob %s) in %s", role, h, s.path))
}

// readFile reads a file that is not a blob, such as index.json; it is
// limited in size, since such files are small and nothing checks them.
func (s *Store) readFile(name string) ([]byte, error) {
	rc, _, err := s.files.open(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s from %s: %w", name, s.path, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMetadataSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s from %s: %w", name, s.path, err)
	}
	if len(b) > maxMetadataSize {
		return nil, fmt.Errorf("%s in %s is larger than %d MiB, which no index or manifest is; it is not an image's", name, s.path, maxMetadataSize>>20)
	}
	return b, nil
}

// maxMetadataSize bounds index.json, manifest.json and the manifests and
// configs read into memory.
const maxMetadataSize = 16 << 20

// BlobCount is the number of blobs the store contains, for messages.
func (s *Store) BlobCount() int { return s.files.countPrefix("blobs/") }

func blobName(h v1.Hash) string { return "blobs/" + h.Algorithm + "/" + h.Hex }
