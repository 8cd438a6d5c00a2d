package output

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
	"github.com/rules-goimage/rules_goimage/tools/assembler/store"
)

// StageTarball stages c in b as a tarball at path that is an OCI image
// layout and a Docker archive at once. A cancelled ctx stops the copying.
func StageTarball(ctx context.Context, b *atomicfile.Batch, path string, c Content) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory; the tarball is a file: give a file path, such as %s", path, filepath.Join(path, "image.tar"))
	}
	return b.File(path, func(w io.Writer) error { return WriteArchive(ctx, w, c) })
}

// WriteArchive writes c to w as the tarball StageTarball writes, an OCI
// image layout and a Docker archive at once: what load streams into an
// engine, whichever of the two forms it reads.
func WriteArchive(ctx context.Context, w io.Writer, c Content) error {
	tw := tar.NewWriter(w)
	if err := writeContent(&tarSink{ctx: ctx, tw: tw}, c); err != nil {
		return err
	}
	return tw.Close()
}

// StageLayout stages c in b as an OCI image layout directory at dir. What is
// at dir is replaced at Commit only when it is a layout (or an empty folder):
// the assembler never removes a folder it did not write.
func StageLayout(ctx context.Context, b *atomicfile.Batch, dir string, c Content) error {
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	return b.Dir(dir, func(tmp string) error { return writeContent(&dirSink{ctx: ctx, root: tmp}, c) })
}

// WriteTarball writes c to path as a tarball that is an OCI image layout and
// a Docker archive at once.
func WriteTarball(path string, c Content) error {
	return commit(func(b *atomicfile.Batch) error { return StageTarball(context.Background(), b, path, c) })
}

// WriteLayout writes c as an OCI image layout directory at dir, replacing a
// layout that was there.
func WriteLayout(dir string, c Content) error {
	return commit(func(b *atomicfile.Batch) error { return StageLayout(context.Background(), b, dir, c) })
}

func commit(stage func(*atomicfile.Batch) error) error {
	var b atomicfile.Batch
	if err := stage(&b); err != nil {
		b.Abort()
		return err
	}
	return b.Commit()
}

var (
	blobFileName    = regexp.MustCompile(`^[0-9a-f]{64}$`)
	fsIndexFileName = regexp.MustCompile(`^[0-9a-f]{64}\.json$`)
)

// checkReplaceable refuses a dir that holds anything but an image layout:
// oci-layout, index.json, manifest.json, blobs/sha256/<digest> files and
// the fsindex folder that a thin layout keeps.
func checkReplaceable(dir string) error {
	fi, err := os.Lstat(dir)
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return err
	case !fi.IsDir():
		return fmt.Errorf("%s exists and is not a folder; a layout is written to a new folder, or over a layout", dir)
	}
	var foreign []string
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		switch name := e.Name(); {
		case name == "blobs" && e.IsDir():
			foreign = append(foreign, foreignBlobs(dir)...)
		case name == fsindex.LayoutDir && e.IsDir():
			foreign = append(foreign, foreignFiles(dir, fsindex.LayoutDir, fsIndexFileName)...)
		case (name == store.OCILayoutFile || name == store.IndexFile || name == store.DockerManifestFile) && e.Type().IsRegular():
		default:
			foreign = append(foreign, name)
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	sort.Strings(foreign)
	if len(foreign) > 3 {
		foreign = append(foreign[:3], fmt.Sprintf("and %d more", len(foreign)-3))
	}
	return fmt.Errorf("%s is a folder that holds more than an image layout (%s); the assembler replaces a layout it wrote, never other files: give a new or empty folder", dir, strings.Join(foreign, ", "))
}

func foreignBlobs(dir string) []string {
	var foreign []string
	entries, err := os.ReadDir(filepath.Join(dir, "blobs"))
	if err != nil {
		return []string{"blobs (unreadable: " + err.Error() + ")"}
	}
	for _, e := range entries {
		if e.Name() != "sha256" || !e.IsDir() {
			foreign = append(foreign, "blobs/"+e.Name())
			continue
		}
		foreign = append(foreign, foreignFiles(dir, "blobs/sha256", blobFileName)...)
	}
	return foreign
}

// foreignFiles lists what the folder rel of dir holds but regular files
// named as want says.
func foreignFiles(dir, rel string, want *regexp.Regexp) []string {
	var foreign []string
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		// What a folder holds that cannot be read is not known to be a layout's.
		return []string{rel + " (unreadable: " + err.Error() + ")"}
	}
	for _, e := range entries {
		if !want.MatchString(e.Name()) || !e.Type().IsRegular() {
			foreign = append(foreign, rel+"/"+e.Name())
		}
	}
	return foreign
}
