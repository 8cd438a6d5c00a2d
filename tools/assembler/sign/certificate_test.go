package sign

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var builder = Leaf{Identity: "builder@example.com", Issuer: "https://issuer.example.com"}

// A key's certificate is checked before anything is signed: it must
// certify that key, allow code signing, be valid now and chain to the root
// of its chain; each signature then carries it and the chain.
func TestCertifyChecksTheCertificate(t *testing.T) {
	ca, otherCA := NewCA(t), NewCA(t)
	keyPath, pub := NewSigningKey(t)
	_, otherPub := NewSigningKey(t)
	good := ca.Issue(t, builder, pub)
	expired := builder
	expired.NotAfter = time.Now().Add(-time.Minute)
	noCodeSigning := builder
	noCodeSigning.NoCodeSigning = true
	for _, tc := range []struct {
		name        string
		cert, chain []byte
		want        string
	}{
		{"good", good, ca.ChainPEM(), ""},
		{"good, no chain", good, nil, ""},
		{"another key's", ca.Issue(t, builder, otherPub), ca.ChainPEM(), "certifies another key than the signing key"},
		{"no code signing", ca.Issue(t, noCodeSigning, pub), ca.ChainPEM(), "does not allow code signing"},
		{"expired", ca.Issue(t, expired, pub), ca.ChainPEM(), "not now"},
		{"another CA's chain", good, otherCA.ChainPEM(), "does not chain to the last certificate of its chain"},
		{"chain without the intermediate", good, ca.RootPEM, "does not chain"},
		{"chain in the certificate file", append(append([]byte{}, good...), ca.ChainPEM()...), nil, "holds 3 PEM certificates"},
		{"not PEM", []byte("certificate"), nil, "holds no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, err := LoadKey(keyPath, nil)
			if err != nil {
				t.Fatal(err)
			}
			chainPath := ""
			if tc.chain != nil {
				chainPath = WriteTestFile(t, "chain.pem", tc.chain)
			}
			certPath := WriteTestFile(t, "cert.pem", tc.cert)
			s, err := Certify(key, certPath, chainPath)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), certPath) {
					t.Fatalf("Certify = %v, want an error naming %s and saying %q", err, certPath, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			sig, err := s.Sign(context.Background(), []byte("payload"))
			if err != nil || string(sig.Certificate) != string(tc.cert) || string(sig.Chain) != string(tc.chain) || !verifies(pub, []byte("payload"), sig.Raw) {
				t.Errorf("Sign = %+v, %v; want a signature by the key with the certificate and chain", sig, err)
			}
		})
	}
}

// A signer command's certificate is checked as a key's is, and its
// signature against the certificate's key.
func TestSignerCommandCertificateOutput(t *testing.T) {
	ca := NewCA(t)
	keyPath, pub := NewSigningKey(t)
	key, err := LoadKey(keyPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte("payload")
	sig, err := key.Sign(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPub := NewSigningKey(t)
	print := func(cert []byte, raw []byte) []byte {
		b, err := json.Marshal(CommandOutput{Signature: base64.StdEncoding.EncodeToString(raw), Certificate: string(cert), Chain: string(ca.ChainPEM())})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	got, err := certifiedOutput(payload, print(ca.Issue(t, builder, pub), sig.Raw))
	if err != nil || len(got.Certificate) == 0 || string(got.Chain) != string(ca.ChainPEM()) {
		t.Fatalf("certifiedOutput = %+v, %v", got, err)
	}
	for _, tc := range []struct {
		name    string
		printed []byte
		want    string
	}{
		{"another key's certificate", print(ca.Issue(t, builder, otherPub), sig.Raw), "does not verify with the key of the certificate it printed"},
		{"a signature of another payload", print(ca.Issue(t, builder, pub), mustSign(t, key, "other")), "does not verify"},
		{"no certificate", print(nil, sig.Raw), "no \"certificate\""},
		{"an unknown field", []byte(`{"signature":"AA==","cert":"x"}`), "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := certifiedOutput(payload, tc.printed); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("certifiedOutput = %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

func mustSign(t *testing.T, s Signer, payload string) []byte {
	t.Helper()
	sig, err := s.Sign(context.Background(), []byte(payload))
	if err != nil {
		t.Fatal(err)
	}
	return sig.Raw
}
