package sign

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzPassword is the password of the encrypted seeds of FuzzKey; some are
// encrypted with another, as a wrong password.
const fuzzPassword = "fuzz-password"

// FuzzKey feeds any bytes as a key file to LoadKey, with a fixed password:
// refused with an error naming the file, never a panic or a derivation
// past the scrypt limits, or loaded as a key that signs and verifies. The
// seeds (testdata/fuzz/FuzzKey) are keys cosign generate-key-pair and
// openssl wrote: cosign's encrypted keys (the right and a wrong password,
// scrypt parameters past the limits), PKCS#8, SEC1 and PKCS#1 keys, weak
// RSA, curves cosign does not verify (P-224, secp256k1), Ed448, an
// encrypted PKCS#8 key, a PEM cut short.
func FuzzKey(f *testing.F) {
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "cosign.key")
		os.WriteFile(path, data, 0o600)
		s, err := LoadKey(path, password(fuzzPassword))
		if err != nil {
			if !strings.Contains(err.Error(), path) && !strings.HasPrefix(err.Error(), "reading the key file") {
				t.Errorf("error %q does not name the key file", err)
			}
			return
		}
		sig, err := s.Sign(context.Background(), []byte("payload"))
		if err != nil || !s.Signed([]byte("payload"), sig.Raw) {
			t.Errorf("a loaded key does not sign (%v)", err)
		}
	})
}
