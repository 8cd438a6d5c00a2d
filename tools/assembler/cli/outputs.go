package cli

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/atomicfile"
)

// namedPath is a path a flag names, for messages.
type namedPath struct{ flag, path string }

// checkPaths refuses outputs that are the same path, or one inside the
// other (a layout directory replaces what it holds), and outputs that are,
// hold or sit inside an input: a run never destroys what it reads or writes.
func checkPaths(outputs, inputs []namedPath) error {
	outs := resolved(outputs)
	ins := resolved(inputs)
	for i, a := range outs {
		for _, b := range outs[i+1:] {
			if overlap(a.path, b.path) {
				return fmt.Errorf("%s %s and %s %s overlap: one would replace the other; write them to separate places", a.flag, a.path, b.flag, b.path)
			}
		}
		for _, in := range ins {
			if overlap(a.path, in.path) {
				return fmt.Errorf("%s %s and the input %s %s overlap: writing it would destroy what is read; write the output elsewhere", a.flag, a.path, in.flag, in.path)
			}
		}
	}
	return nil
}

func overlap(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+string(filepath.Separator)) || strings.HasPrefix(b, a+string(filepath.Separator))
}

// resolved makes each path absolute, with symlinks of its existing part
// resolved, so that two names of one place are seen as one.
func resolved(paths []namedPath) []namedPath {
	out := make([]namedPath, 0, len(paths))
	for _, p := range paths {
		if p.path == "" {
			continue
		}
		out = append(out, namedPath{flag: p.flag, path: realPath(p.path)})
	}
	return out
}

func realPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	var rest []string
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(append([]string{real}, rest...)...)
		}
		if dir == filepath.Dir(dir) {
			return abs
		}
		rest = append([]string{filepath.Base(dir)}, rest...)
	}
}

func stageBytes(b *atomicfile.Batch, path string, content []byte) error {
	return b.File(path, func(w io.Writer) error {
		_, err := w.Write(content)
		return err
	})
}

type digester interface{ Digest() (v1.Hash, error) }
