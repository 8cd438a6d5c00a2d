package check

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/rules-goimage/rules_goimage/tools/assembler/fsindex"
	"github.com/rules-goimage/rules_goimage/tools/assembler/gobinary"
)

// fs indexes one layer of entries: "path" is a 0644 file, "path*" a 0755
// one, "path/" a directory, "path@target" a symlink, and "path=content" a
// file with that content.
func fs(t *testing.T, entries ...string) *fsindex.Index {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		hdr := &tar.Header{Name: e, Typeflag: tar.TypeReg, Mode: 0o644}
		content := ""
		switch {
		case strings.Contains(e, "="):
			hdr.Name, content, _ = strings.Cut(e, "=")
		case strings.Contains(e, "@"):
			hdr.Typeflag, hdr.Mode = tar.TypeSymlink, 0o777
			hdr.Name, hdr.Linkname, _ = strings.Cut(e, "@")
		case strings.HasSuffix(e, "*"):
			hdr.Name, hdr.Mode = strings.TrimSuffix(e, "*"), 0o755
		case strings.HasSuffix(e, "/"):
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		}
		hdr.Size = int64(len(content))
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(content))
	}
	tw.Close()
	l, err := fsindex.ReadLayer(&b)
	if err != nil {
		t.Fatal(err)
	}
	x := fsindex.New()
	x.Apply(l)
	return x
}

// goBinary is the facts of a static Go binary with the uses given.
func goBinary(u gobinary.Uses) *gobinary.Facts { return &gobinary.Facts{Go: &u} }

// run runs one check on img at level error and returns what it found.
func run(t *testing.T, name string, img *Image) string {
	t.Helper()
	levels := Levels{}
	for _, n := range Names() {
		levels[n] = Off
	}
	levels[name] = Error
	_, err := Run(img, levels)
	if err == nil {
		return ""
	}
	if !strings.Contains(err.Error(), "--check "+name+"=off") {
		t.Errorf("the finding does not say how to turn the check off: %v", err)
	}
	return err.Error()
}

// wantFinding fails unless got mentions every part, or, with no parts, is
// empty.
func wantFinding(t *testing.T, what, got string, parts ...string) {
	t.Helper()
	if len(parts) == 0 && got != "" {
		t.Errorf("%s: unexpected finding %q", what, got)
	}
	if len(parts) > 0 && got == "" {
		t.Errorf("%s: no finding, want one mentioning %q", what, parts)
	}
	for _, p := range parts {
		if got != "" && !strings.Contains(got, p) {
			t.Errorf("%s: the finding does not mention %q: %s", what, p, got)
		}
	}
}

func TestLevels(t *testing.T) {
	l := Levels{}
	if err := l.Set("tzdata=error"); err != nil || !l.On("tzdata") {
		t.Errorf("Set(tzdata=error) = %v", err)
	}
	if err := l.Set("user=off"); err != nil || l.On("user") {
		t.Errorf("Set(user=off) = %v, On(user) = %v", err, l.On("user"))
	}
	if got, want := l.String(), "architecture=error,base-architecture=warn,dynamic=error,entrypoint=error,user=off,ca-certificates=warn,tzdata=error"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for spec, want := range map[string]string{
		"nope=off":     "the checks are architecture, base-architecture, dynamic, entrypoint, user, ca-certificates, tzdata",
		"tzdata=loud":  "the levels are off, warn and error",
		"tzdata":       "is not NAME=LEVEL",
		"=error":       "there is no check",
		"TZDATA=error": "there is no check",
	} {
		if err := l.Set(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Set(%q) = %v, want an error saying %q", spec, err, want)
		}
	}
}

// A warning is returned, not an error; an error holds every finding of the
// checks at level error; off runs nothing; no index, no check.
func TestRunLevels(t *testing.T) {
	img := &Image{FS: fs(t), Config: v1.Config{Entrypoint: []string{"/app/server"}, User: "nonroot"}}
	warnings, err := Run(img, Levels{"user": Warn})
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"nonroot"`) || err == nil || !strings.Contains(err.Error(), "/app/server") {
		t.Errorf("Run = %q, %v; want the user's warning and the entrypoint's error", warnings, err)
	}
	if warnings, err := Run(img, Levels{"user": Off, "entrypoint": Off}); len(warnings) != 0 || err != nil {
		t.Errorf("with both checks off, Run = %q, %v", warnings, err)
	}
	if warnings, err := Run(&Image{Config: img.Config}, Levels{}); len(warnings) != 0 || err != nil {
		t.Errorf("without an index, Run = %q, %v", warnings, err)
	}
}

func TestEntrypoint(t *testing.T) {
	debian := fs(t, "bin@usr/bin", "usr/bin/dash*", "usr/bin/sh@dash", "usr/bin/server*", "app/server*", "app/run.sh",
		"opt/app/", "usr/local/bin/server*")
	own := map[string]*gobinary.Facts{"/usr/local/bin/server": goBinary(gobinary.Uses{}), "/app/server": goBinary(gobinary.Uses{})}
	for _, tc := range []struct {
		name   string
		config v1.Config
		want   []string
	}{
		{"absolute executable", v1.Config{Entrypoint: []string{"/app/server", "--flag"}}, nil},
		{"through symlinked folders", v1.Config{Entrypoint: []string{"/bin/sh", "-c", "x"}}, nil},
		{"missing", v1.Config{Entrypoint: []string{"/app/nope"}}, []string{"the entrypoint /app/nope is not in the image", "no such file or directory", "such as /app/server"}},
		{"a directory", v1.Config{Entrypoint: []string{"/app"}}, []string{"/app is a directory", "such as /app/server"}},
		{"not executable", v1.Config{Entrypoint: []string{"/app/run.sh"}}, []string{"/app/run.sh is a file without an execute bit", "0755"}},
		{"the cmd without an entrypoint", v1.Config{Cmd: []string{"/app/nope"}}, []string{"the cmd /app/nope is not in the image"}},
		{"relative to the workdir", v1.Config{Entrypoint: []string{"./server"}, WorkingDir: "/app"}, nil},
		{"on the default PATH", v1.Config{Entrypoint: []string{"dash"}}, nil},
		{"not on the PATH", v1.Config{Entrypoint: []string{"nope"}, Env: []string{"PATH=/usr/bin:/bin"}}, []string{`"nope" is not an executable in any folder of the PATH /usr/bin:/bin`, "executable file not found"}},
		{"shadowed by a base's file", v1.Config{Entrypoint: []string{"server"}, Env: []string{"PATH=/usr/bin:/usr/local/bin"}},
			[]string{`"server" runs /usr/bin/server`, "not the image's binary /usr/local/bin/server", "set the entrypoint to /usr/local/bin/server"}},
		{"the image's binary first", v1.Config{Entrypoint: []string{"server"}}, nil},
		{"no command", v1.Config{}, nil},
	} {
		got := run(t, "entrypoint", &Image{FS: debian, Config: tc.config, Binaries: own})
		wantFinding(t, tc.name, got, tc.want...)
	}
}

// A path whose kind the index does not know (a layer that listed it alone)
// passes: the check refuses only what it sees is wrong.
func TestEntrypointOfUnknownKind(t *testing.T) {
	x := fs(t)
	listed := &fsindex.Layer{}
	listed.Add(&tar.Header{Name: "app/run.sh", Typeflag: tar.TypeDir}, nil)
	x.Apply(listed)
	got := run(t, "entrypoint", &Image{FS: x, Config: v1.Config{Entrypoint: []string{"/app/run.sh"}}})
	wantFinding(t, "a listed path", got)
}

func TestUser(t *testing.T) {
	withAccounts := fs(t, "etc/passwd=root:x:0:0::/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
		"etc/group=root:x:0:\nnonroot:x:65532:\n")
	passwdOnly := fs(t, "etc/passwd=nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n")
	for _, tc := range []struct {
		name string
		fs   *fsindex.Index
		user string
		want []string
	}{
		{"numeric", fs(t), "65532:65532", nil},
		{"a uid alone", fs(t), "1000", nil},
		{"a known name", withAccounts, "nonroot", nil},
		{"a known name and group", withAccounts, "nonroot:nonroot", nil},
		{"an unknown name", withAccounts, "app", []string{`names the user "app", which its /etc/passwd lacks (it has nonroot, root)`, "unable to find user app", "--user 65532:65532"}},
		{"no /etc/passwd", fs(t), "nonroot", []string{`names the user "nonroot", which needs /etc/passwd, and the image has none`}},
		{"an unknown group", withAccounts, "nonroot:staff", []string{`the group "staff", which its /etc/group lacks`}},
		{"a group name without /etc/group", passwdOnly, "65532:nonroot", []string{`the group "nonroot", which needs /etc/group`}},
		{"no user", fs(t), "", nil},
	} {
		got := run(t, "user", &Image{FS: tc.fs, Config: v1.Config{User: tc.user}})
		wantFinding(t, tc.name, got, tc.want...)
	}
}

func TestCACertificates(t *testing.T) {
	client := map[string]*gobinary.Facts{"/app/client": goBinary(gobinary.Uses{X509: true})}
	for _, tc := range []struct {
		name     string
		fs       *fsindex.Index
		env      []string
		binaries map[string]*gobinary.Facts
		want     []string
	}{
		{"scratch", fs(t), nil, client, []string{"/app/client links crypto/x509", "/etc/ssl/certs/ca-certificates.crt", "x509roots/fallback", "distroless/static"}},
		{"a bundle", fs(t, "etc/ssl/certs/ca-certificates.crt"), nil, client, nil},
		{"Alpine's bundle, a symlink", fs(t, "etc/ssl/cert.pem@certs/ca-certificates.crt", "etc/ssl/certs/ca-certificates.crt"), nil, client, nil},
		{"a folder of certificates", fs(t, "etc/pki/tls/certs/a.pem"), nil, client, nil},
		{"an empty folder", fs(t, "etc/ssl/certs/"), nil, client, []string{"links crypto/x509"}},
		{"SSL_CERT_FILE", fs(t), []string{"SSL_CERT_FILE=/run/secrets/ca.pem"}, client, nil},
		{"SSL_CERT_DIR", fs(t), []string{"SSL_CERT_DIR=/certs"}, client, nil},
		{"an empty SSL_CERT_FILE", fs(t), []string{"SSL_CERT_FILE="}, client, []string{"links crypto/x509"}},
		{"fallback roots", fs(t), nil, map[string]*gobinary.Facts{"/app/client": goBinary(gobinary.Uses{X509: true, X509Fallback: true})}, nil},
		{"no crypto/x509", fs(t), nil, map[string]*gobinary.Facts{"/app/server": goBinary(gobinary.Uses{})}, nil},
		{"not a Go binary", fs(t), nil, map[string]*gobinary.Facts{"/app/tool": {}}, nil},
	} {
		got := run(t, "ca-certificates", &Image{FS: tc.fs, Config: v1.Config{Env: tc.env}, Binaries: tc.binaries})
		wantFinding(t, tc.name, got, tc.want...)
	}
}

func TestTZData(t *testing.T) {
	zones := map[string]*gobinary.Facts{"/app/cal": goBinary(gobinary.Uses{LoadLocation: true})}
	for _, tc := range []struct {
		name     string
		fs       *fsindex.Index
		env      []string
		binaries map[string]*gobinary.Facts
		want     []string
	}{
		{"scratch", fs(t), nil, zones, []string{"/app/cal calls time.LoadLocation", "/usr/share/zoneinfo/", `import _ "time/tzdata"`, "-tags timetzdata"}},
		{"zoneinfo", fs(t, "usr/share/zoneinfo/UTC"), nil, zones, nil},
		{"NixOS's folder", fs(t, "etc/zoneinfo/UTC"), nil, zones, nil},
		{"ZONEINFO", fs(t), []string{"ZONEINFO=/zoneinfo.zip"}, zones, nil},
		{"embedded", fs(t), nil, map[string]*gobinary.Facts{"/app/cal": goBinary(gobinary.Uses{LoadLocation: true, TZData: true})}, nil},
		{"no LoadLocation", fs(t), nil, map[string]*gobinary.Facts{"/app/cal": goBinary(gobinary.Uses{X509: true})}, nil},
	} {
		got := run(t, "tzdata", &Image{FS: tc.fs, Config: v1.Config{Env: tc.env}, Binaries: tc.binaries})
		wantFinding(t, tc.name, got, tc.want...)
	}
}

// The loader and libraries of a dynamically linked binary are found in
// the image's library folders, through symlinks too.
func TestDynamic(t *testing.T) {
	cgo := map[string]*gobinary.Facts{"/app/cgo": {Dynamic: &gobinary.Dynamic{Interpreter: "/lib64/ld-linux-x86-64.so.2", Libraries: []string{"libc.so.6"}}}}
	amd64 := v1.Platform{OS: "linux", Architecture: "amd64"}
	got := run(t, "dynamic", &Image{FS: fs(t), Binaries: cgo, Platform: amd64})
	wantFinding(t, "scratch", got, "/app/cgo is dynamically linked", "its ELF interpreter /lib64/ld-linux-x86-64.so.2 and the library libc.so.6", "CGO_ENABLED=0")
	mergedUsr := fs(t, "lib64@usr/lib64", "usr/lib64/ld-linux-x86-64.so.2*", "lib@usr/lib", "usr/lib/x86_64-linux-gnu/libc.so.6")
	got = run(t, "dynamic", &Image{FS: mergedUsr, Binaries: cgo, Platform: amd64})
	wantFinding(t, "merged /usr", got)

	// A library of the program's own, outside the default folders: found
	// through LD_LIBRARY_PATH, or anywhere (a RUNPATH or ld.so.conf may
	// lead there); missing only when the image has it nowhere.
	own := map[string]*gobinary.Facts{"/app/cgo": {Dynamic: &gobinary.Dynamic{Interpreter: "/lib64/ld-linux-x86-64.so.2", Libraries: []string{"libc.so.6", "libfoo.so.1"}}}}
	withOwn := fs(t, "lib64@usr/lib64", "usr/lib64/ld-linux-x86-64.so.2*", "lib@usr/lib", "usr/lib/x86_64-linux-gnu/libc.so.6", "app/lib/libfoo.so.1")
	got = run(t, "dynamic", &Image{FS: withOwn, Binaries: own, Platform: amd64, Config: v1.Config{Env: []string{"LD_LIBRARY_PATH=/app/lib"}}})
	wantFinding(t, "LD_LIBRARY_PATH", got)
	got = run(t, "dynamic", &Image{FS: withOwn, Binaries: own, Platform: amd64})
	wantFinding(t, "own folder", got)
	got = run(t, "dynamic", &Image{FS: mergedUsr, Binaries: own, Platform: amd64})
	wantFinding(t, "lacking libfoo", got, "needs the library libfoo.so.1")
}
