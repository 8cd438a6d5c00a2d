package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/base"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
)

var indexLayerUsage = verbUsage{
	name:     "index-layer",
	synopsis: "(--image FILE | --layout DIR [--blobs-from REPO]) --digest sha256:... --output FILE",
	description: `Indexes the files of one layer of an image: its paths and their kinds, its
accounts (/etc/passwd, /etc/group) and the ELF headers of its executables and
libraries, as JSON. The layer is read from the image's blobs, or from the
registry repository its layers were left in (a base imported with
'assembler import --lazy-layers'), and checked against its digest, its media
type and its diff_id as it is read; nothing of it is kept.

'assembler build --base-layer-index' takes these files, named
<sha256 hex of the layer>.json: the checks of the image then read the base's
files from them, so that a base's layers are read once however many images
are built on it.`,
}

func runIndexLayer(_ context.Context, args []string, stdout, stderr io.Writer) error {
	in := &imageInput{}
	var digest, output string
	fs := newFlagSet(indexLayerUsage, stderr)
	in.register(fs)
	fs.StringVar(&digest, "digest", "", "the layer's digest, sha256:...")
	fs.StringVar(&output, "output", "", "the JSON file to write")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if in.layout == "" || digest == "" || output == "" || fs.NArg() > 0 {
		return usageError(fs, "--image (or --layout), --digest and --output are required, and there are no positional arguments")
	}
	h, err := v1.NewHash(digest)
	if err != nil {
		return usageError(fs, fmt.Sprintf("--digest %q: %v", digest, err))
	}
	s, err := in.open()
	if err != nil {
		return err
	}
	defer s.Close()
	entries, err := base.IndexLayer(s, h)
	if err != nil {
		return err
	}
	b, err := json.Marshal(entries)
	if err != nil {
		return err
	}
	return atomicfile.WriteBytes(output, append(b, '\n'))
}

// layerIndexFiles maps each --base-layer-index file to the layer it
// indexes, by its name: <sha256 hex>.json.
func layerIndexFiles(files []string) (map[v1.Hash]string, error) {
	out := make(map[v1.Hash]string, len(files))
	for _, f := range files {
		hex := strings.TrimSuffix(filepath.Base(f), ".json")
		h, err := v1.NewHash("sha256:" + hex)
		if err != nil || !strings.HasSuffix(f, ".json") {
			return nil, fmt.Errorf("--base-layer-index %s: the file is named by the layer it indexes, <sha256 hex>.json", f)
		}
		out[h] = f
	}
	return out, nil
}
