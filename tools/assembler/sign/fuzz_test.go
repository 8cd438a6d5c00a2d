package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// FuzzSignerOutput feeds any bytes (up to the most a signer command may
// print) as what a signer command printed for a payload: read as a base64
// signature or a JSON CommandOutput whose certificate chain is checked and
// whose signature must verify with the certificate's key; never a panic,
// and never a certified signature that does not verify. The seeds are
// what a real signer prints (a bare signature; JSON with a certificate a
// CA issued for its key and the chain) and broken forms of it.
func FuzzSignerOutput(f *testing.F) {
	payload := []byte("payload")
	ca := NewCA(f)
	keyPath, pub := NewSigningKey(f)
	key, err := LoadKey(keyPath, nil)
	if err != nil {
		f.Fatal(err)
	}
	sig, err := key.Sign(context.Background(), payload)
	if err != nil {
		f.Fatal(err)
	}
	bare := base64.StdEncoding.EncodeToString(sig.Raw)
	certified, err := json.Marshal(CommandOutput{Signature: bare, Certificate: string(ca.Issue(f, builder, pub)), Chain: string(ca.ChainPEM())})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{bare, string(certified), string(certified[:len(certified)/2]), `{"signature":"` + bare + `"}`,
		`{"signature":"` + bare + `","certificate":"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"}`,
		"not base64!", "", "{", `{"signature":1}`, "=AAAA", strings.Repeat("QUFB", 1000)} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, printed []byte) {
		if len(printed) > maxOutput {
			return // the command's output is cut off there
		}
		got, err := parseOutput(payload, bytes.TrimSpace(printed))
		switch {
		case err != nil:
			return
		case len(got.Raw) == 0:
			t.Fatal("parseOutput accepted an empty signature")
		case len(got.Certificate) > 0:
			leaf, err := checkCertificate(got.Certificate, got.Chain, time.Now())
			if err != nil || !verifies(leaf.PublicKey, payload, got.Raw) {
				t.Fatalf("parseOutput accepted a certified signature that does not verify (%v)", err)
			}
		}
	})
}
