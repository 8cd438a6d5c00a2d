package sign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// CA is a certificate authority a test makes: a root, an intermediate
// it signed, and a way to issue signing certificates, shaped as Fulcio
// issues them and as cosign reads them.
type CA struct {
	Root, Intermediate       *x509.Certificate
	rootKey, intermediateKey crypto.Signer
	RootPEM, IntermediatePEM []byte
	serial                   int64
}

// OIDs of the OIDC issuer extension: cosign v2's legacy verifier reads the
// first (the raw issuer), sigstore-go the second (a DER UTF8String).
var (
	oidIssuerV1 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 1}
	oidIssuerV2 = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 1, 8}
)

// NewCA makes a root and an intermediate CA, valid from an hour ago for a
// day.
func NewCA(t testing.TB) *CA {
	t.Helper()
	ca := &CA{}
	ca.rootKey = newECKey(t)
	ca.Root = ca.issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "test root CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}, ca.rootKey.Public(), nil, ca.rootKey)
	ca.intermediateKey = newECKey(t)
	ca.Intermediate = ca.issue(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "test intermediate CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}, ca.intermediateKey.Public(), ca.Root, ca.rootKey)
	ca.RootPEM, ca.IntermediatePEM = certPEM(ca.Root), certPEM(ca.Intermediate)
	return ca
}

// ChainPEM is the chain of the certificates the CA issues: intermediate,
// then root.
func (ca *CA) ChainPEM() []byte {
	return append(append([]byte{}, ca.IntermediatePEM...), ca.RootPEM...)
}

// Leaf is a signing certificate for key with identity (an email address,
// or a URI such as a CI workflow's) and the OIDC issuer extension.
type Leaf struct {
	Identity, Issuer string
	// NotAfter defaults to a day from now; CodeSigning to true.
	NotAfter      time.Time
	NoCodeSigning bool
}

// Issue signs a certificate of the leaf for key, PEM.
func (ca *CA) Issue(t testing.TB, l Leaf, key crypto.PublicKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{KeyUsage: x509.KeyUsageDigitalSignature, NotAfter: l.NotAfter}
	if !l.NoCodeSigning {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}
	}
	if u, err := url.Parse(l.Identity); err == nil && u.Scheme != "" {
		tmpl.URIs = []*url.URL{u}
	} else {
		tmpl.EmailAddresses = []string{l.Identity}
	}
	utf8, err := asn1.MarshalWithParams(l.Issuer, "utf8")
	if err != nil {
		t.Fatal(err)
	}
	tmpl.ExtraExtensions = []pkix.Extension{
		{Id: oidIssuerV1, Value: []byte(l.Issuer)},
		{Id: oidIssuerV2, Value: utf8},
	}
	return certPEM(ca.issue(t, tmpl, key, ca.Intermediate, ca.intermediateKey))
}

func (ca *CA) issue(t testing.TB, tmpl *x509.Certificate, pub crypto.PublicKey, parent *x509.Certificate, key crypto.Signer) *x509.Certificate {
	t.Helper()
	ca.serial++
	tmpl.SerialNumber = big.NewInt(ca.serial)
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	}
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newECKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// NewSigningKey writes a new P-256 key, PKCS#8 PEM (what --sign-key and
// openssl take), and returns its path and public key.
func NewSigningKey(t testing.TB) (string, crypto.PublicKey) {
	t.Helper()
	k := newECKey(t)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return WriteTestFile(t, "signing.key", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), k.Public()
}

// WriteTestFile writes content to a new file named name and returns its
// path.
func WriteTestFile(t testing.TB, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}
