package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Signing flags that cannot work together are usage errors, and a key that
// cannot be read stops the push before anything is uploaded, naming the
// key file and never its content or the password.
func TestPushSigningFlagErrors(t *testing.T) {
	dir, _ := randomLayout(t)
	key := filepath.Join(t.TempDir(), "cosign.key")
	const content = "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"
	if err := os.WriteFile(key, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--sign-key", key, "--signer-command", "cat"},
		{"--sign-key-password-file", key},
		{"--sign-certificate", key},
		{"--signer-command", "cat", "--sign-certificate", key},
		{"--sign-key", key, "--sign-certificate-chain", key},
	} {
		var stdout, stderr bytes.Buffer
		all := append([]string{"push", "--layout", dir, "--repository", "127.0.0.1:1/app"}, args...)
		if code := Run(context.Background(), all, &stdout, &stderr); code != 2 {
			t.Errorf("push %q = %d, want 2 (usage)", args, code)
		}
	}

	// The registry at 127.0.0.1:1 is never reached: the key is read first.
	t.Setenv("COSIGN_PASSWORD", "pa55-word")
	_, err := runErr("push", "--layout", dir, "--repository", "127.0.0.1:1/app", "--sign-key", key)
	wantError(t, err, "--sign-key", key, "decrypting it failed")
	if strings.Contains(err.Error(), "pa55-word") || strings.Contains(err.Error(), "bm90IGEga2V5") {
		t.Errorf("the error carries a secret:\n%v", err)
	}
	os.Unsetenv("COSIGN_PASSWORD")
	_, err = runErr("push", "--layout", dir, "--repository", "127.0.0.1:1/app", "--sign-key", key)
	wantError(t, err, key, "set COSIGN_PASSWORD or pass --sign-key-password-file")
}
