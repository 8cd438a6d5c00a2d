// Package atomicfile writes outputs through temporary names in the same
// directory and renames them into place at the end, so a failure never
// leaves a half-written output behind. A Batch does it for all the outputs
// of one run: they appear together, or none does.
//
// Temporary names carry the writing process's id, ".tmp-<name>-<pid>-...":
// a run that was killed (kill -9 leaves no time to clean up) leaves them
// behind, and the next run that writes the same output removes those whose
// process is gone.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Write creates path with the content that write produces.
func Write(path string, write func(w io.Writer) error) error {
	var b Batch
	if err := b.File(path, write); err != nil {
		b.Abort()
		return err
	}
	return b.Commit()
}

// WriteBytes creates path holding b.
func WriteBytes(path string, b []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Batch stages outputs under temporary names; Commit renames them all into
// place, Abort removes them.
type Batch struct {
	staged []staged
}

type staged struct {
	tmp, path string
	dir       bool
	// mustBeNew: path must be missing or an empty folder (NewDir);
	// wasEmptyDir: it was an empty folder, which an undo makes again.
	mustBeNew, wasEmptyDir bool
	// old is where Commit keeps the earlier output at path until every
	// output is in place.
	old string
}

// File stages the file path with the content write produces.
func (b *Batch) File(path string, write func(w io.Writer) error) error {
	tmp, err := createTemp(path)
	if err != nil {
		return writeError(path, err)
	}
	b.staged = append(b.staged, staged{tmp: tmp.Name(), path: path})
	buffered := bufio.NewWriterSize(tmp, 1<<20)
	err = write(buffered)
	if err == nil {
		err = buffered.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		return writeError(path, err)
	}
	return nil
}

// FileAt stages the file path, which write makes at the temporary name it
// gets: for a writer that makes its file by its own means (a layer's blob).
func (b *Batch) FileAt(path string, write func(tmp string) error) error {
	tmp, err := createTemp(path)
	if err != nil {
		return writeError(path, err)
	}
	b.staged = append(b.staged, staged{tmp: tmp.Name(), path: path})
	if err := tmp.Close(); err != nil {
		return writeError(path, err)
	}
	if err := write(tmp.Name()); err != nil {
		return writeError(path, err)
	}
	return nil
}

// writingInto tells an error of writing into the folder tmp (a full disk)
// from the other errors of filling it (a registry that is unreachable),
// whose messages are the caller's and name no output.
func writingInto(err error, tmp string) bool {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var pe *fs.PathError
	var le *os.LinkError
	return errors.As(err, &pe) && strings.HasPrefix(pe.Path, tmp) || errors.As(err, &le) && strings.HasPrefix(le.New, tmp)
}

// writeError says that path could not be written, and on a full file system
// what to do: nothing of the output is kept, so the run can just be repeated.
func writeError(path string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("writing %s: %w; nothing of it was kept: free space on its file system, or write it elsewhere, and run again", path, err)
	}
	return fmt.Errorf("writing %s: %w", path, err)
}

// Dir stages the directory path, which fill writes into the folder it gets.
// At Commit, it replaces what is at path; the caller has checked that may be.
func (b *Batch) Dir(path string, fill func(dir string) error) error {
	return b.dir(path, fill, false)
}

// NewDir stages the directory path as Dir does, for a path that must be
// missing or an empty folder when Commit renames the folder into place:
// the rename itself checks it, so that another run that wrote path
// meanwhile makes this one fail rather than lose what it wrote.
func (b *Batch) NewDir(path string, fill func(dir string) error) error {
	return b.dir(path, fill, true)
}

func (b *Batch) dir(path string, fill func(dir string) error, mustBeNew bool) error {
	parent, name := filepath.Split(filepath.Clean(path))
	if parent == "" {
		parent = "."
	}
	cleanStale(parent, name)
	tmp, err := os.MkdirTemp(parent, tempPrefix(name))
	if err != nil {
		return writeError(path, err)
	}
	b.staged = append(b.staged, staged{tmp: tmp, path: path, dir: true, mustBeNew: mustBeNew})
	if err := os.Chmod(tmp, 0o755); err != nil {
		return writeError(path, err)
	}
	if err := fill(tmp); err != nil {
		if writingInto(err, tmp) {
			return writeError(path, err)
		}
		return err
	}
	return nil
}

// Commit renames every staged output into place. When one rename fails, the
// outputs renamed before it are put back as they were (the earlier outputs
// are kept aside until every rename is done), so that no run leaves some of
// its outputs new and others old, nor loses an earlier one.
func (b *Batch) Commit() error {
	for i := range b.staged {
		if err := b.staged[i].replace(); err != nil {
			b.undo(i)
			return err
		}
	}
	for _, s := range b.staged {
		if s.old != "" {
			os.RemoveAll(s.old)
		}
	}
	b.staged = nil
	return nil
}

// replace renames the staged output into place. An earlier file there is
// kept under a temporary name by a hard link, so that path always names
// a whole file; an earlier folder is moved aside.
func (s *staged) replace() error {
	old := s.tmp + "-old"
	switch {
	case s.mustBeNew:
		// renameOverEmptyDir replaces an empty folder, and refuses any other.
		if fi, err := os.Stat(s.path); err == nil && fi.IsDir() {
			s.wasEmptyDir = true
		}
	case s.dir:
		if err := os.Rename(s.path, old); err == nil {
			s.old = old
		} else if !os.IsNotExist(err) {
			return fmt.Errorf("replacing %s: %w", s.path, err)
		}
	default:
		if err := os.Link(s.path, old); err == nil {
			s.old = old
		}
	}
	rename := os.Rename
	if s.mustBeNew {
		rename = renameOverEmptyDir
	}
	err := rename(s.tmp, s.path)
	if err == nil {
		return nil
	}
	if s.dir && s.old != "" {
		// Another run put a folder at path since: it stays, and this
		// run's earlier one goes.
		if os.Rename(s.old, s.path) != nil {
			os.RemoveAll(s.old)
		}
		s.old = ""
	}
	if s.dir && (errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)) {
		return fmt.Errorf("writing %s: another run wrote a folder there meanwhile, which stays as it is; run again once it is done, or write to another folder", s.path)
	}
	return writeError(s.path, err)
}

// undo puts back the outputs that the renames before the i-th replaced,
// and removes the staged rest.
func (b *Batch) undo(i int) {
	for _, s := range b.staged[:i] {
		if s.old == "" {
			os.RemoveAll(s.path)
			if s.wasEmptyDir {
				os.Mkdir(s.path, 0o755)
			}
			continue
		}
		if s.dir {
			os.RemoveAll(s.path)
		}
		os.Rename(s.old, s.path)
	}
	b.staged = b.staged[i:]
	b.Abort()
}

// Abort removes every staged output.
func (b *Batch) Abort() {
	for _, s := range b.staged {
		os.RemoveAll(s.tmp)
	}
	b.staged = nil
}

func createTemp(path string) (*os.File, error) {
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	cleanStale(dir, name)
	return os.CreateTemp(dir, tempPrefix(name))
}

func tempPrefix(name string) string {
	return ".tmp-" + name + "-" + strconv.Itoa(os.Getpid()) + "-"
}

// cleanStale removes temporary outputs for name in dir whose process is gone.
func cleanStale(dir, name string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := ".tmp-" + name + "-"
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok {
			continue
		}
		pid, _, ok := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(pid); ok && err == nil && !alive(n) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// CleanStaleWorkDirs removes work folders named prefix<pid>-... in dir whose
// process is gone: a run killed with kill -9 leaves them behind.
func CleanStaleWorkDirs(dir, prefix string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), prefix)
		if !ok || !e.IsDir() {
			continue
		}
		pid, _, ok := strings.Cut(rest, "-")
		if n, err := strconv.Atoi(pid); ok && err == nil && !alive(n) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// WorkDirPrefix is the name prefix of a work folder of this process, which
// CleanStaleWorkDirs recognizes once the process is gone.
func WorkDirPrefix(prefix string) string { return prefix + strconv.Itoa(os.Getpid()) + "-" }
