package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// Pushes and releases signed with a marked password (from the environment
// and from a file), a marked key file and a marked signer command line, in
// runs that succeed and runs that fail, never print the marker, nor write
// it to the files they write.
func TestSigningSecretsStayOut(t *testing.T) {
	const marker = "MARKER-5ecret-7c1f"
	reg := testenv.StartRegistry(t, false)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	dir, _ := randomLayout(t)
	secrets := t.TempDir()
	key := cosignKey(t, secrets, marker+"-password")
	passwordFile := writeSecret(t, secrets, "password", marker+"-password\n")
	garbageKey := writeSecret(t, secrets, "garbage.key", "not a key "+marker+"\n")
	manifest := writeSecret(t, secrets, "release.json", string(releaseManifestJSON(t, map[string]string{reg.Host + "/team/released": dir})))
	wd := t.TempDir()
	t.Setenv("BUILD_WORKING_DIRECTORY", wd)

	for _, tc := range []struct {
		name     string
		password string // $COSIGN_PASSWORD
		flags    []string
		ok       bool
	}{
		{"key, password from the environment", marker + "-password", []string{"--sign-key", key}, true},
		{"key, password from a file", "", []string{"--sign-key", key, "--sign-key-password-file", passwordFile}, true},
		{"key, wrong password", marker + "-wrong", []string{"--sign-key", key}, false},
		{"not a key", "", []string{"--sign-key", garbageKey}, false},
		{"signer command", "", []string{"--signer-command", "cat >/dev/null; echo c2lnbmF0dXJl # --token=" + marker}, true},
		{"failing signer command", "", []string{"--signer-command", "exit 3 # --token=" + marker}, false},
		{"hanging signer command", "", []string{"--signer-command", "sleep 3600 # --token=" + marker, "--signer-timeout", "300ms"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.password != "" {
				t.Setenv("COSIGN_PASSWORD", tc.password)
			}
			for _, args := range [][]string{
				append([]string{"push", "--layout", dir, "--repository", reg.Host + "/team/pushed", "--tag", "v1", "--digest-file", "digest"}, tc.flags...),
				append([]string{"release", "--manifest", manifest, "--refs-file", "refs.json", "--refs-text", "refs.txt"}, tc.flags...),
			} {
				var stdout, stderr bytes.Buffer
				code := Run(context.Background(), args, &stdout, &stderr)
				if (code == 0) != tc.ok {
					t.Errorf("%s exited with %d; stderr:\n%s", args[0], code, stderr.String())
				}
				if strings.Contains(stdout.String()+stderr.String(), marker) {
					t.Errorf("%s printed a secret:\n%s\n%s", args[0], stdout.String(), stderr.String())
				}
			}
		})
	}
	wantNoMarker(t, wd, marker)
}

// cosignKey writes a new ECDSA key as cosign generate-key-pair does,
// encrypted with password.
func cosignKey(t *testing.T, dir, password string) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := encrypted.Encrypt(der, []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	return writeSecret(t, dir, "cosign.key", string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED SIGSTORE PRIVATE KEY", Bytes: sealed})))
}

func writeSecret(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantNoMarker fails if a file below dir holds marker.
func wantNoMarker(t *testing.T, dir, marker string) {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		if b, err := os.ReadFile(p); err != nil || bytes.Contains(b, []byte(marker)) {
			t.Errorf("%s holds a secret (or cannot be read: %v)", p, err)
		}
		return nil
	})
	if n < 3 {
		t.Errorf("the runs wrote %d files to %s, want the digest file and both refs files", n, dir)
	}
}
