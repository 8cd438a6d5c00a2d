package build

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/check"
)

// Programs that use what the checks look for, or nothing of it.
const (
	httpProgram   = "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\nfunc main() { fmt.Println(http.Get(\"https://example.com\")) }\n"
	zoneProgram   = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n)\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"
	tzdataProgram = "package main\n\nimport (\n\t\"fmt\"\n\t\"time\"\n\t_ \"time/tzdata\"\n)\n\nfunc main() { fmt.Println(time.LoadLocation(\"Europe/Berlin\")) }\n"
	plainProgram  = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"
)

// checked is a thin build of bin on base with one check at level.
func checked(t *testing.T, base, bin, name string, level check.Level) *Request {
	r := thinBuild(t, base, bin)
	r.Checks = check.Levels{name: level}
	return r
}

// withConfig is a thin build of bin on base with more config.
func withConfig(t *testing.T, base, bin string, set func(r *Request)) *Request {
	r := thinBuild(t, base, bin)
	set(r)
	return r
}

// A Go binary that verifies TLS certificates, in an image without CA
// certificates, gets one warning naming the binary, the fix and how to
// turn the check off; a base with certificates, or the check off, prints
// none; at level error the build fails. Stripped binaries tell the same.
func TestCheckCACertificates(t *testing.T) {
	withCerts := importedBase(t, caBundle)
	for _, strip := range []bool{false, true} {
		bin := program(t, httpProgram, strip)
		warnings := buildWarnings(t, thinBuild(t, "scratch", bin))
		for _, want := range []string{"warning: /app/server links crypto/x509", "/etc/ssl/certs/ca-certificates.crt", "x509roots/fallback", "--check ca-certificates=off"} {
			if !strings.Contains(warnings, want) {
				t.Errorf("strip=%v: warnings lack %q:\n%s", strip, want, warnings)
			}
		}
		if n := strings.Count(warnings, "\n"); n != 1 {
			t.Errorf("strip=%v: %d lines of warnings, want one:\n%s", strip, n, warnings)
		}
		wantQuiet(t, "a base with CA certificates", buildWarnings(t, thinBuild(t, withCerts, bin)))
		wantQuiet(t, "the check off", buildWarnings(t, checked(t, "scratch", bin, "ca-certificates", check.Off)))
		wantQuiet(t, "SSL_CERT_FILE", buildWarnings(t, withConfig(t, "scratch", bin, func(r *Request) {
			r.Config.Env = []string{"SSL_CERT_FILE=/run/secrets/ca.pem"}
		})))
		wantError(t, buildErr(checked(t, "scratch", bin, "ca-certificates", check.Error)), "links crypto/x509")
	}
}

// A Go binary that loads time zones, in an image without a time zone
// database, gets a warning; embedding time/tzdata, a base with zoneinfo or
// the check off silences it.
func TestCheckTZData(t *testing.T) {
	withZones := importedBase(t, utcZone)
	for _, strip := range []bool{false, true} {
		bin := program(t, zoneProgram, strip)
		warnings := buildWarnings(t, thinBuild(t, "scratch", bin))
		for _, want := range []string{"warning: /app/server calls time.LoadLocation", `import _ "time/tzdata"`, "--check tzdata=off"} {
			if !strings.Contains(warnings, want) {
				t.Errorf("strip=%v: warnings lack %q:\n%s", strip, want, warnings)
			}
		}
		wantQuiet(t, "a base with zoneinfo", buildWarnings(t, thinBuild(t, withZones, bin)))
		wantQuiet(t, "the check off", buildWarnings(t, checked(t, "scratch", bin, "tzdata", check.Off)))
		wantQuiet(t, "time/tzdata", buildWarnings(t, thinBuild(t, "scratch", program(t, tzdataProgram, strip))))
		wantQuiet(t, "a plain program", buildWarnings(t, thinBuild(t, "scratch", program(t, plainProgram, strip))))
	}
}

// A user named by name needs the image's /etc/passwd to list it; numeric
// ids need nothing.
func TestCheckUser(t *testing.T) {
	bin := program(t, plainProgram, true)
	user := func(base, user string) *Request {
		return withConfig(t, base, bin, func(r *Request) { r.Config.User = user })
	}
	wantError(t, buildErr(user("scratch", "nonroot")), `names the user "nonroot", which needs /etc/passwd`, "--user 65532:65532", "--check user=off")
	withUsers := importedBase(t, passwd)
	wantError(t, buildErr(user(withUsers, "app")), `which its /etc/passwd lacks (it has nonroot, root)`)
	wantError(t, buildErr(user(withUsers, "nonroot:nonroot")), `names the group "nonroot", which needs /etc/group`)
	wantQuiet(t, "a known user", buildWarnings(t, user(withUsers, "nonroot")))
	wantQuiet(t, "numeric ids", buildWarnings(t, user("scratch", "65532:65532")))
	off := user("scratch", "nonroot")
	off.Checks = check.Levels{"user": check.Off}
	wantQuiet(t, "the check off", buildWarnings(t, off))

	// A base given as a layout no import indexed is indexed from its
	// layers when the build writes them.
	unindexed := filepath.Join(t.TempDir(), "unindexed")
	buildOK(t, &Request{Base: withUsers, Platform: hostPlatform(), Layers: []string{oneFileLayer(t, "/etc/motd", "hi", 0o644)}, Outputs: Outputs{Layout: unindexed}})
	os.RemoveAll(filepath.Join(unindexed, "fsindex"))
	r := user(unindexed, "app")
	r.Outputs = Outputs{Tarball: filepath.Join(t.TempDir(), "x.tar")}
	wantError(t, buildErr(r), `which its /etc/passwd lacks`)
}

// The entrypoint must be an executable of the image; a bare name is looked
// up on the PATH, and must not run a base's file in place of the image's
// own binary.
func TestCheckEntrypoint(t *testing.T) {
	bin := program(t, plainProgram, true)
	entrypoint := func(base string, args ...string) *Request {
		return withConfig(t, base, bin, func(r *Request) { r.Config.Entrypoint = args })
	}
	wantError(t, buildErr(entrypoint("scratch", "/app/nope")), "the entrypoint /app/nope is not in the image", "such as /app/server", "--check entrypoint=off")
	wantError(t, buildErr(entrypoint("scratch", "/app")), "the entrypoint /app is a directory")
	wantError(t, buildErr(withConfig(t, "scratch", bin, func(r *Request) { r.Binary.Mode = 0o644 })), "/app/server is a file without an execute bit")
	off := entrypoint("scratch", "/app/nope")
	off.Checks = check.Levels{"entrypoint": check.Off}
	wantQuiet(t, "the check off", buildWarnings(t, off))

	withServer := importedBase(t, baseFile{"/usr/bin/server", "#!/bin/sh\n", 0o755}, baseFile{"/usr/share/doc/README", "r", 0o644})
	inPath := func(env ...string) *Request {
		return withConfig(t, withServer, bin, func(r *Request) {
			r.Binary.Path, r.Config.Entrypoint, r.Config.Env = "/usr/local/bin/server", []string{"server"}, env
		})
	}
	wantQuiet(t, "the image's binary first on the PATH", buildWarnings(t, inPath()))
	wantError(t, buildErr(inPath("PATH=/usr/bin:/usr/local/bin")), `the entrypoint "server" runs /usr/bin/server`,
		"not the image's binary /usr/local/bin/server", "set the entrypoint to /usr/local/bin/server")
	wantError(t, buildErr(entrypoint(withServer, "/usr/share/doc/README")), "/usr/share/doc/README is a file without an execute bit")
	wantError(t, buildErr(entrypoint(withServer, "nope")), `"nope" is not an executable in any folder of the PATH /usr/local/sbin:`)
}

// A binary's layer, made apart as the Bazel rules make it, carries its
// facts in its descriptor, and the checks of the image read them there.
func TestCheckBinaryFromLayer(t *testing.T) {
	r := thinBuild(t, "scratch", "")
	r.Layers = []string{binaryLayerFile(t, program(t, httpProgram, true), "/app/client")}
	r.Config.Entrypoint = []string{"/app/client"}
	if warnings := buildWarnings(t, r); !strings.Contains(warnings, "warning: /app/client links crypto/x509") {
		t.Errorf("the warnings lack the one for /app/client:\n%s", warnings)
	}
}

// The index an import writes records executables, symlinks and groups,
// which the checks of the images built on it read.
func TestImportIndexesKinds(t *testing.T) {
	base := importedBase(t, baseFile{"/usr/bin/tool", "x", 0o755}, baseFile{"/etc/group", "nonroot:x:65532:\n", 0o644})
	names, err := filepath.Glob(filepath.Join(base, "fsindex", "*.json"))
	if err != nil || len(names) != 1 {
		t.Fatalf("the import wrote indexes %v, %v; want one", names, err)
	}
	b := readFile(t, names[0])
	for _, want := range []string{`"execs":["/usr/bin/tool"]`, `"groups":{"nonroot":"65532"}`, `"other":["/etc","/usr","/usr/bin"]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the import's index lacks %s:\n%s", want, b)
		}
	}
}
