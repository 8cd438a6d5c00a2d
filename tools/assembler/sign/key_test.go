package sign

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/secure-systems-lab/go-securesystemslib/encrypted"
)

func writeKey(t *testing.T, blockType string, der []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "signing.key")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func password(p string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(p), nil }
}

func ecKeyDER(t *testing.T) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// Errors about a key name its file and say what to do, and never carry the
// key or the password.
func TestLoadKeyErrorsKeepSecrets(t *testing.T) {
	der := ecKeyDER(t)
	sealed, err := encrypted.Encrypt(der, []byte("the-password"))
	if err != nil {
		t.Fatal(err)
	}
	cosignKey := writeKey(t, cosignKeyBlock, sealed)
	noPassword := func() ([]byte, error) { return nil, errors.New("no password was given: set COSIGN_PASSWORD") }
	for _, tc := range []struct {
		name, path string
		password   func() ([]byte, error)
		want       string
	}{
		{"wrong password", cosignKey, password("not-the-password"), "is the password the one it was generated with"},
		{"no password", cosignKey, noPassword, "set COSIGN_PASSWORD"},
		{"not PEM", writeFile(t, "MHcCAQEEIBogus-key-material"), nil, "holds no PEM private key"},
		{"broken PKCS#8", writeKey(t, "PRIVATE KEY", []byte("MHcCAQEEIBogus")), nil, "reading its PKCS#8 private key"},
		{"encrypted PKCS#8", writeKey(t, "ENCRYPTED PRIVATE KEY", der), nil, "cosign import-key-pair"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKey(tc.path, tc.password)
			if err == nil {
				t.Fatal("LoadKey succeeded")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.path) || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q, want it to name %s and say %q", msg, tc.path, tc.want)
			}
			for _, secret := range []string{"the-password", "not-the-password", "MHcCAQEEIBogus"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q carries a secret", msg)
				}
			}
		})
	}
	s, err := LoadKey(cosignKey, password("the-password"))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := s.Sign(context.Background(), []byte("payload"))
	if err != nil || !s.Signed([]byte("payload"), sig.Raw) || s.Signed([]byte("other"), sig.Raw) {
		t.Fatalf("the decrypted key's signature does not verify (err %v)", err)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "signing.key")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Key signatures are deterministic, which is what keeps a second push from
// adding a second, different signature of the same payload.
func TestKeySignaturesAreDeterministic(t *testing.T) {
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, err := x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"ecdsa":   writeKey(t, "PRIVATE KEY", ecKeyDER(t)),
		"ed25519": writeKey(t, "PRIVATE KEY", edDER),
	} {
		t.Run(name, func(t *testing.T) {
			s, err := LoadKey(path, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := s.Sign(context.Background(), []byte("payload"))
			b, _ := s.Sign(context.Background(), []byte("payload"))
			if string(a.Raw) != string(b.Raw) || !s.Signed([]byte("payload"), a.Raw) {
				t.Errorf("two signatures of one payload differ or do not verify")
			}
		})
	}
}

// The payload is byte for byte the one cosign signs.
func TestPayloadIsCosignSimpleSigning(t *testing.T) {
	repo, _ := name.NewRepository("registry.example.com/team/app")
	h, _ := v1.NewHash("sha256:" + strings.Repeat("ab", 32))
	got, err := Payload(repo, h)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"critical":{"identity":{"docker-reference":"registry.example.com/team/app"},"image":{"docker-manifest-digest":"sha256:` +
		strings.Repeat("ab", 32) + `"},"type":"cosign container image signature"},"optional":null}`
	if string(got) != want {
		t.Errorf("Payload =\n%s\nwant\n%s", got, want)
	}
}

// PAE follows the DSSE specification's example.
func TestPAE(t *testing.T) {
	got := string(PAE("http://example.com/HelloWorld", []byte("hello world")))
	if want := "DSSEv1 29 http://example.com/HelloWorld 11 hello world"; got != want {
		t.Errorf("PAE = %q, want %q", got, want)
	}
}

// secp256k1Key is a SEC1 key on a curve Go does not read, as `openssl
// ecparam -name secp256k1 -genkey` writes it.
const secp256k1Key = `-----BEGIN EC PARAMETERS-----
BgUrgQQACg==
-----END EC PARAMETERS-----
-----BEGIN EC PRIVATE KEY-----
MHQCAQEEIKu55gBZQPpB2pjPuvEmzW1TVISCxrqllaumcWVrP6ERoAcGBSuBBAAK
oUQDQgAETjn6yPK0RgdHuZRtxAKZgg1ErimXXDKGvFaTgyxhda4FW1gW5kZCIs4X
X5Sw2/eZa1WjEmrn3RXKhHNm1fIEaQ==
-----END EC PRIVATE KEY-----
`

// Keys past the limits are refused with the file and what to do, before
// any costly work: a weak RSA key, a curve cosign does not verify, an
// encrypted key whose scrypt parameters would take hours to derive, a key
// file larger than any key, a FIFO.
func TestLoadKeyRefusesKeysPastLimits(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p224DER, _ := x509.MarshalECPrivateKey(p224)
	sealed, err := encrypted.Encrypt(ecKeyDER(t), []byte("the-password"))
	if err != nil {
		t.Fatal(err)
	}
	hugeN := strings.Replace(string(sealed), `"N":32768`, `"N":1099511627776`, 1)
	hugeN = strings.Replace(hugeN, `"N":65536`, `"N":1099511627776`, 1)
	fifo := filepath.Join(t.TempDir(), "cosign.key")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"RSA 1024", writeKey(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), "an RSA key of 1024 bits, too weak to sign; generate one of 2048 bits or more"},
		{"P-224", writeKey(t, "EC PRIVATE KEY", p224DER), "an ECDSA key on P-224, which cosign does not verify; use P-256"},
		{"secp256k1", writeFile(t, secp256k1Key), "unknown elliptic curve; keys that sign are ECDSA on P-256"},
		{"scrypt N of 2^40", writeKey(t, cosignKeyBlock, []byte(hugeN)), "scrypt parameters (N=1099511627776, r=8, p=1) are not ones cosign writes"},
		{"truncated PEM", writeFile(t, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecKeyDER(t)}))[:100]), "holds no PEM private key (or one cut short)"},
		{"64 KiB", writeFile(t, strings.Repeat("# comment\n", MaxKeyFileBytes/10+1)), "is larger than 65536 bytes"},
		{"FIFO", fifo, "is not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadKey(tc.path, password("the-password"))
			if err == nil || !strings.Contains(err.Error(), tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %s and saying %q", err, tc.path, tc.want)
			}
		})
	}
}

// The keys of FuzzKey's seed corpus, written by cosign generate-key-pair
// and import-key-pair and by openssl, load, or are refused with the file
// and why: the password fuzzPassword opens the cosign keys but one.
func TestKeysFromRealTools(t *testing.T) {
	want := map[string]string{
		"cosign-generate-key-pair":         "",
		"cosign-import-key-pair-ed25519":   "",
		"cosign-import-key-pair-rsa-2048":  "",
		"cosign-old-block-type":            "",
		"cosign-public-key":                "holds no PEM private key",
		"cosign-scrypt-n-2-40":             "scrypt parameters (N=1099511627776, r=8, p=1) are not ones cosign writes",
		"cosign-scrypt-n-not-power-of-two": "scrypt parameters (N=3, r=8, p=1)",
		"cosign-scrypt-p-huge":             "scrypt parameters (N=65536, r=8, p=1073741824)",
		"cosign-scrypt-r-huge":             "scrypt parameters (N=65536, r=1048576, p=1)",
		"cosign-truncated":                 "holds no PEM private key (or one cut short)",
		"cosign-unknown-kdf":               "decrypting it failed",
		"cosign-wrong-password":            "is the password the one it was generated with",
		"ed25519-pkcs8":                    "",
		"ed448-pkcs8":                      "reading its PKCS#8 private key",
		"p224-sec1":                        "an ECDSA key on P-224, which cosign does not verify",
		"p256-encrypted-pkcs8":             "password-protected PKCS#8 key",
		"p256-sec1-with-params":            "",
		"rsa-1024-pkcs1":                   "an RSA key of 1024 bits, too weak to sign",
		"rsa-1024-pkcs8":                   "an RSA key of 1024 bits, too weak to sign",
		"rsa-2048-pkcs8":                   "",
		"secp256k1-sec1":                   "unknown elliptic curve",
		"truncated-pem":                    "holds no PEM private key (or one cut short)",
	}
	for name, wantErr := range want {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzKey", name))
			if err != nil {
				t.Fatal(err)
			}
			_, quoted, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
			key, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(quoted, "[]byte("), ")"))
			if err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, key)
			_, err = LoadKey(path, password(fuzzPassword))
			if wantErr == "" && err != nil {
				t.Errorf("refused: %v", err)
			}
			if wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr) || !strings.Contains(err.Error(), path)) {
				t.Errorf("got %v, want an error naming the file and saying %q", err, wantErr)
			}
		})
	}
}
