package check

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// certFiles and certDirs are where Go's crypto/x509 looks for the system's
// CA certificates on Linux (crypto/x509/root_linux.go): the first file that
// exists, and every file of each folder.
var (
	certFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/cert.pem",
	}
	certDirs = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}
)

// zoneDirs are where Go's time package looks for the time zone database on
// Linux (platformZoneSources in time/zoneinfo_unix.go).
var zoneDirs = []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}

// caCertificates finds Go binaries that verify TLS certificates with the
// system's roots in an image that has none: every HTTPS request they make
// would fail.
func caCertificates(img *Image) []string {
	if hasEnv(img, "SSL_CERT_FILE") || hasEnv(img, "SSL_CERT_DIR") || hasAnyFile(img, certFiles) || hasAnyDir(img, certDirs) {
		return nil
	}
	var found []string
	for _, bin := range slices.Sorted(maps.Keys(img.Binaries)) {
		u := img.Binaries[bin].Go
		if u == nil || !u.X509 || u.X509Fallback {
			continue
		}
		found = append(found, fmt.Sprintf("%s links crypto/x509, which verifies TLS certificates with the system's CA certificates, but the image has none where Go looks "+
			"(%s, %s) and sets neither SSL_CERT_FILE nor SSL_CERT_DIR: its TLS connections would fail with \"x509: certificate signed by unknown authority\". "+
			"Use a base with CA certificates (gcr.io/distroless/static, or one with Debian's ca-certificates), "+
			"or embed them in the binary: import _ \"golang.org/x/crypto/x509roots/fallback\"",
			bin, certFiles[0], certDirs[0]+"/"))
	}
	return found
}

// tzdata finds Go binaries that load time zones by name, in an image with
// no time zone database that they could read.
func tzdata(img *Image) []string {
	if hasEnv(img, "ZONEINFO") || hasAnyDir(img, zoneDirs) {
		return nil
	}
	var found []string
	for _, bin := range slices.Sorted(maps.Keys(img.Binaries)) {
		u := img.Binaries[bin].Go
		if u == nil || !u.LoadLocation || u.TZData {
			continue
		}
		found = append(found, fmt.Sprintf("%s calls time.LoadLocation, which reads the time zone database, but the image has none where Go looks "+
			"(%s/) and does not set ZONEINFO: loading any zone but UTC would fail with \"unknown time zone\". "+
			"Embed the database in the binary: import _ \"time/tzdata\", or build with -tags timetzdata (go_binary's gotags); "+
			"or use a base with it (gcr.io/distroless/static, or one with Debian's tzdata)",
			bin, zoneDirs[0]))
	}
	return found
}

// hasEnv reports whether the config sets the variable key to a value, as
// Go's library reads it: an empty value is no value.
func hasEnv(img *Image, key string) bool {
	v, _ := env(img, key)
	return v != ""
}

// env is the value the config sets key to, and whether it sets it: the
// first, as Go's os.Getenv takes it.
func env(img *Image, key string) (string, bool) {
	for _, kv := range img.Config.Env {
		if k, v, _ := strings.Cut(kv, "="); k == key {
			return v, true
		}
	}
	return "", false
}

func hasAnyFile(img *Image, files []string) bool {
	for _, f := range files {
		if img.FS.Has(f) {
			return true
		}
	}
	return false
}

// hasAnyDir reports whether any of the folders has something in it: an
// empty one is as good as none.
func hasAnyDir(img *Image, dirs []string) bool {
	for _, d := range dirs {
		if img.FS.HasUnder(d) {
			return true
		}
	}
	return false
}
