package layer

import (
	"archive/tar"
	"fmt"
	"strings"
)

// Limits on a tar given as a layer (--tar), which may be anyone's file.
// archive/tar itself bounds one PAX header or GNU long name at 1 MiB; the
// names of every entry are kept (to check hard links and paths given
// twice), so the tar's size alone would not bound the memory they take.
var (
	// maxTarEntries bounds the entries of one tar; a whole distribution
	// (Debian with its documentation) has about 200,000 files. A variable
	// so that its test need not write a million entries.
	maxTarEntries = 1 << 20
)

// maxTarHeaderBytes bounds one entry's header: its name, link name and
// PAX records (extended attributes, long names) together. Linux paths are
// at most 4096 bytes, and extended attributes some hundreds.
const maxTarHeaderBytes = 64 << 10

// checkTarLimits refuses an entry past the limits, or one a layer cannot
// hold as the tar writes it: a sparse file, whose holes a layer spells out
// in full, however large the file claims to be.
func checkTarLimits(hdr *tar.Header) error {
	size := len(hdr.Name) + len(hdr.Linkname)
	sparse := hdr.Typeflag == tar.TypeGNUSparse
	for k, v := range hdr.PAXRecords {
		size += len(k) + len(v)
		sparse = sparse || strings.HasPrefix(k, "GNU.sparse.")
	}
	if size > maxTarHeaderBytes {
		name := hdr.Name
		if len(name) > 100 {
			name = name[:100] + "..."
		}
		return fmt.Errorf("entry %s has a header (name, link and PAX records) of %d bytes, more than the %d a layer's entry may have; write the tar without such long names or attributes", name, size, maxTarHeaderBytes)
	}
	if sparse {
		return fmt.Errorf("entry %s is a sparse file (tar --sparse), which a layer cannot hold: it would hold every hole in full; write the tar without --sparse", hdr.Name)
	}
	return nil
}
