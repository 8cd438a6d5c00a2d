package fsindex

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// entry is one tar entry of a test layer.
type entry struct {
	name     string
	typeflag byte
	mode     int64
	link     string
	content  string
}

func layerOfEntries(t *testing.T, entries ...entry) *Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Typeflag: e.typeflag, Mode: e.mode, Linkname: e.link, Size: int64(len(e.content))}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.content))
	}
	tw.Close()
	l, err := ReadLayer(&b)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A merged-/usr image, as Debian's: /bin is a link to usr/bin, and a
// command is a link into /etc/alternatives.
func mergedUsr(t *testing.T) *Index {
	t.Helper()
	x := New()
	x.Apply(layerOfEntries(t,
		entry{name: "bin", typeflag: tar.TypeSymlink, link: "usr/bin"},
		entry{name: "usr/bin/", typeflag: tar.TypeDir, mode: 0o755},
		entry{name: "usr/bin/dash", typeflag: tar.TypeReg, mode: 0o755, content: "x"},
		entry{name: "usr/bin/sh", typeflag: tar.TypeSymlink, link: "dash"},
		entry{name: "usr/bin/editor", typeflag: tar.TypeSymlink, link: "/etc/alternatives/editor"},
		entry{name: "etc/alternatives/editor", typeflag: tar.TypeSymlink, link: "/usr/bin/vim"},
		entry{name: "usr/bin/loop", typeflag: tar.TypeSymlink, link: "loop"},
		entry{name: "usr/share/doc/README", typeflag: tar.TypeReg, mode: 0o644, content: "r"},
		entry{name: "empty/", typeflag: tar.TypeDir, mode: 0o755},
	))
	return x
}

// Symlinks resolve as the kernel resolves them, in folders too; a path's
// kind comes from its tar header.
func TestStatFollowsSymlinks(t *testing.T) {
	x := mergedUsr(t)
	for _, tc := range []struct {
		path, resolved string
		kind           Kind
	}{
		{"/bin/sh", "/usr/bin/dash", Executable},
		{"/usr/bin/dash", "/usr/bin/dash", Executable},
		{"/bin", "/usr/bin", Directory},
		{"/usr/bin/editor", "/usr/bin/vim", Missing},
		{"/usr/bin/loop", "/usr/bin/loop", Missing},
		{"/usr/share/doc/README", "/usr/share/doc/README", File},
		{"/usr/share/doc", "/usr/share/doc", Directory},
		{"/empty", "/empty", Unknown},
		{"/nope", "/nope", Missing},
	} {
		resolved, kind := x.Stat(tc.path)
		if resolved != tc.resolved || kind != tc.kind {
			t.Errorf("Stat(%s) = %s, %d; want %s, %d", tc.path, resolved, kind, tc.resolved, tc.kind)
		}
	}
	if !x.Has("/bin/dash") || x.Has("/bin/vim") || !x.HasUnder("/bin") {
		t.Errorf("Has and HasUnder do not follow /bin to /usr/bin")
	}
}

// A layer that lists its paths without their headers' modes (as a writer
// that knows only the paths does) leaves them of unknown kind, and a later
// layer's header replaces what a lower one said.
func TestKindsFromLayers(t *testing.T) {
	x := mergedUsr(t)
	listed := &Layer{}
	listed.Add(&tar.Header{Name: "app/run.sh", Typeflag: tar.TypeDir}, nil)
	x.Apply(listed)
	if _, kind := x.Stat("/app/run.sh"); kind != Unknown {
		t.Errorf("a listed path is %d, want Unknown", kind)
	}
	x.Apply(layerOfEntries(t,
		entry{name: "usr/bin/dash", typeflag: tar.TypeReg, mode: 0o644, content: "x"},
		entry{name: "usr/bin/vim", typeflag: tar.TypeLink, mode: 0o755, link: "usr/bin/dash"},
		entry{name: "usr/share/doc/.wh.README", typeflag: tar.TypeReg},
	))
	for p, want := range map[string]Kind{"/bin/sh": File, "/usr/bin/editor": Executable, "/usr/share/doc/README": Missing} {
		if _, kind := x.Stat(p); kind != want {
			t.Errorf("Stat(%s) = %d, want %d", p, kind, want)
		}
	}
}

// /etc/group's groups are read as /etc/passwd's users are; removing either
// file removes its names.
func TestGroups(t *testing.T) {
	x := New()
	x.Apply(layerOfEntries(t,
		entry{name: "etc/group", typeflag: tar.TypeReg, mode: 0o644, content: "root:x:0:\n# comment\nnonroot:x:65532:\nbad\n"},
		entry{name: "etc/passwd", typeflag: tar.TypeReg, mode: 0o644, content: "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n"},
	))
	if x.Groups["nonroot"] != "65532" || x.Groups["root"] != "0" || len(x.Groups) != 2 {
		t.Errorf("groups %v, want root and nonroot", x.Groups)
	}
	x.Apply(layerOfEntries(t, entry{name: "etc/.wh.group", typeflag: tar.TypeReg}))
	if len(x.Groups) != 0 || x.Users["nonroot"] != "65532:65532" {
		t.Errorf("after removing /etc/group: groups %v, users %v", x.Groups, x.Users)
	}
}

// The JSON form keeps every kind, lists each path in "paths" once, sorted,
// and names the regular files by leaving them out of "other". An index
// written before kinds were recorded reads with none known.
func TestKindsJSON(t *testing.T) {
	x := mergedUsr(t)
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"execs":["/usr/bin/dash"]`, `"/bin":"usr/bin"`, `"other":["/empty","/etc","/etc/alternatives","/usr","/usr/bin","/usr/share","/usr/share/doc"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the index JSON lacks %s:\n%s", want, b)
		}
	}
	y := New()
	if err := json.Unmarshal(b, y); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/bin/sh", "/usr/share/doc/README", "/empty", "/usr/bin/editor"} {
		r1, k1 := x.Stat(p)
		r2, k2 := y.Stat(p)
		if r1 != r2 || k1 != k2 {
			t.Errorf("Stat(%s) = %s, %d after a round trip, want %s, %d", p, r2, k2, r1, k1)
		}
	}
	old := New()
	if err := json.Unmarshal([]byte(`{"paths":["/app","/app/run.sh"]}`), old); err != nil {
		t.Fatal(err)
	}
	if _, kind := old.Stat("/app/run.sh"); kind != Unknown {
		t.Errorf("a path of an index without kinds is %d, want Unknown", kind)
	}
}

// Merge keeps every kind of both layers, so that a layer made of several
// tars indexes as the tars do.
func TestMerge(t *testing.T) {
	l := layerOfEntries(t, entry{name: "etc/passwd", typeflag: tar.TypeReg, mode: 0o644, content: "a:x:1:1::/:/bin/sh\n"})
	l.Merge(layerOfEntries(t,
		entry{name: "bin", typeflag: tar.TypeSymlink, link: "usr/bin"},
		entry{name: "usr/bin/app", typeflag: tar.TypeReg, mode: 0o755},
		entry{name: "etc/group", typeflag: tar.TypeReg, mode: 0o644, content: "g:x:7:\n"},
	))
	x := New()
	x.Apply(l)
	if _, kind := x.Stat("/bin/app"); kind != Executable || x.Users["a"] != "1:1" || x.Groups["g"] != "7" {
		t.Errorf("the merged layer gives /bin/app %d, users %v, groups %v", kind, x.Users, x.Groups)
	}
	if _, kind := x.Stat("/etc/group"); kind != File {
		t.Errorf("/etc/group is %d, want File", kind)
	}
}
