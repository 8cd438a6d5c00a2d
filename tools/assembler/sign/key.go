package sign

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/encrypted"

	"github.com/rules-goimage/rules_goimage/internal/boundedfile"
)

// PEM block types of the private keys LoadKey reads. cosign writes the
// first since v2 and read the second before.
const (
	cosignKeyBlock    = "ENCRYPTED SIGSTORE PRIVATE KEY"
	oldCosignKeyBlock = "ENCRYPTED COSIGN PRIVATE KEY"
)

// ErrNoPassword is returned by a password source that has no password.
var ErrNoPassword = errors.New("no password")

// LoadKey reads the private key in the file at path: a key that `cosign
// generate-key-pair` wrote (encrypted with scrypt and NaCl secretbox, the
// password coming from password), or a plain PEM key: PKCS#8, SEC1 EC or
// PKCS#1 RSA. Errors name the file, never its content.
func LoadKey(path string, password func() ([]byte, error)) (Signer, error) {
	data, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	key, err := parseKey(path, data, password)
	if err != nil {
		return nil, err
	}
	return newKeySigner(path, key)
}

func parseKey(path string, data []byte, password func() ([]byte, error)) (any, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, fmt.Errorf("key file %s holds no PEM private key (or one cut short); give the cosign.key that `cosign generate-key-pair` wrote, or a PEM PKCS#8, SEC1 EC or PKCS#1 RSA private key", path)
		}
		switch block.Type {
		case cosignKeyBlock, oldCosignKeyBlock:
			return decryptCosignKey(path, block.Bytes, password)
		case "PRIVATE KEY":
			return parsed(path, "PKCS#8")(x509.ParsePKCS8PrivateKey(block.Bytes))
		case "EC PRIVATE KEY":
			return parsed(path, "SEC1 EC")(x509.ParseECPrivateKey(block.Bytes))
		case "RSA PRIVATE KEY":
			return parsed(path, "PKCS#1 RSA")(x509.ParsePKCS1PrivateKey(block.Bytes))
		case "ENCRYPTED PRIVATE KEY":
			return nil, fmt.Errorf("key file %s is a password-protected PKCS#8 key, which is not read; decrypt it (openssl pkcs8 -in KEY -out PLAIN) or import it into cosign (cosign import-key-pair --key KEY)", path)
		}
		// Other blocks (EC PARAMETERS, certificates) come beside keys.
	}
}

func parsed(path, format string) func(any, error) (any, error) {
	return func(key any, err error) (any, error) {
		if err != nil {
			return nil, fmt.Errorf("key file %s: reading its %s private key: %w; keys that sign are ECDSA on P-256, P-384 or P-521, RSA of %d bits or more, or Ed25519", path, format, err, MinRSABits)
		}
		return key, nil
	}
}

func decryptCosignKey(path string, ciphertext []byte, password func() ([]byte, error)) (any, error) {
	pass, err := password()
	if err != nil {
		return nil, fmt.Errorf("key file %s is encrypted, and %w", path, err)
	}
	if err := checkKDF(path, ciphertext); err != nil {
		return nil, err
	}
	der, err := encrypted.Decrypt(ciphertext, pass)
	if err != nil {
		return nil, fmt.Errorf("key file %s: decrypting it failed; is the password the one it was generated with? (%w)", path, err)
	}
	return parsed(path, "decrypted PKCS#8")(x509.ParsePKCS8PrivateKey(der))
}

// keySigner signs with a private key as cosign does with a key file:
// ECDSA and RSA PKCS#1 v1.5 over SHA-256, Ed25519 over the payload itself.
type keySigner struct {
	key crypto.Signer
}

func newKeySigner(path string, key any) (*keySigner, error) {
	if err := checkStrength(path, key); err != nil {
		return nil, err
	}
	switch k := key.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
		return &keySigner{key: k.(crypto.Signer)}, nil
	case ed25519.PrivateKey:
		return &keySigner{key: k}, nil
	}
	return nil, fmt.Errorf("key file %s holds a %T key; ECDSA, RSA and Ed25519 keys can sign", path, key)
}

// Sign is deterministic: a nil random source makes ECDSA follow RFC 6979,
// and PKCS#1 v1.5 and Ed25519 use none.
func (s *keySigner) Sign(_ context.Context, payload []byte) (Signature, error) {
	var sig []byte
	var err error
	if _, ok := s.key.(ed25519.PrivateKey); ok {
		sig, err = s.key.Sign(nil, payload, crypto.Hash(0))
	} else {
		h := sha256.Sum256(payload)
		sig, err = s.key.Sign(nil, h[:], crypto.SHA256)
	}
	return Signature{Raw: sig}, err
}

func (s *keySigner) Signed(payload, sig []byte) bool { return verifies(s.key.Public(), payload, sig) }

// Public is the key's public half, which a certificate must certify.
func (s *keySigner) Public() crypto.PublicKey { return s.key.Public() }

// verifies reports whether sig is a signature of payload by pub's private
// key, as cosign checks it: ECDSA and RSA PKCS#1 v1.5 over SHA-256,
// Ed25519 over the payload itself.
func verifies(pub crypto.PublicKey, payload, sig []byte) bool {
	h := sha256.Sum256(payload)
	switch pub := pub.(type) {
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(pub, h[:], sig)
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) == nil
	case ed25519.PublicKey:
		return ed25519.Verify(pub, payload, sig)
	}
	return false
}

// PublicKeyPEM is the signer's public key as PKIX PEM, the format of the
// cosign.pub that `cosign verify --key` takes.
func (s *keySigner) PublicKeyPEM() ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(s.key.Public())
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// Limits on the key files LoadKey reads. A key file is small, and an
// encrypted one names the cost of deriving its key from the password: a
// hostile one could name a cost of hours and terabytes, so the cost is
// checked before anything is derived.
const (
	// MaxKeyFileBytes bounds a key file; a PEM RSA key of 8192 bits is
	// about 6 KB.
	MaxKeyFileBytes = 64 << 10
	// MaxScryptN, MaxScryptR and MaxScryptP bound the scrypt parameters of
	// an encrypted cosign key: the most cosign writes (N = 2^17, r = 8,
	// p = 1 by go-securesystemslib's strongest setting) takes 128 MiB and
	// about a second to derive.
	MaxScryptN = 1 << 17
	MaxScryptR = 8
	MaxScryptP = 1
	// MinRSABits is the smallest RSA key that signs: NIST and cosign's
	// own key generation give 2048 bits as the least.
	MinRSABits = 2048
)

// readKeyFile reads the key file at path, refusing one larger than
// MaxKeyFileBytes or not a regular file before reading it whole.
func readKeyFile(path string) ([]byte, error) {
	data, err := boundedfile.Read(path, MaxKeyFileBytes)
	var notRegular *boundedfile.NotRegularError
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("key file %s %v; give the key's file", path, notRegular)
	case errors.Is(err, boundedfile.ErrTooLarge):
		return nil, fmt.Errorf("key file %s is larger than %d bytes, more than any private key; give the cosign.key or the PEM key itself", path, MaxKeyFileBytes)
	case err != nil:
		return nil, fmt.Errorf("reading the key file: %w", err)
	}
	return data, nil
}

// checkKDF refuses an encrypted cosign key whose scrypt parameters are
// past the limits, before any key is derived; the rest, and bytes that
// are not JSON, are left to the decryption to judge.
func checkKDF(path string, sealed []byte) error {
	var d struct {
		KDF struct {
			Params struct {
				N, R, P int64
			} `json:"params"`
		} `json:"kdf"`
	}
	if json.Unmarshal(sealed, &d) != nil {
		return nil
	}
	p := d.KDF.Params
	if p.N <= 1 || p.N > MaxScryptN || p.N&(p.N-1) != 0 || p.R < 1 || p.R > MaxScryptR || p.P < 1 || p.P > MaxScryptP {
		return fmt.Errorf("key file %s: its scrypt parameters (N=%d, r=%d, p=%d) are not ones cosign writes (N a power of two up to %d, r up to %d, p up to %d), and deriving its key could take hours; generate it again with cosign generate-key-pair", path, p.N, p.R, p.P, MaxScryptN, MaxScryptR, MaxScryptP)
	}
	return nil
}

// checkStrength refuses keys too weak to sign, or on curves cosign does
// not verify.
func checkStrength(path string, key any) error {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < MinRSABits {
			return fmt.Errorf("key file %s holds an RSA key of %d bits, too weak to sign; generate one of %d bits or more (cosign generate-key-pair writes ECDSA P-256)", path, bits, MinRSABits)
		}
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
		default:
			return fmt.Errorf("key file %s holds an ECDSA key on %s, which cosign does not verify; use P-256, P-384 or P-521 (cosign generate-key-pair writes P-256)", path, k.Curve.Params().Name)
		}
	}
	return nil
}
