package sign

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"slices"
	"time"
)

// Certify returns a signer that signs with the key of s and gives, with
// each signature, the certificate in the file certPath and the chain in
// chainPath (optional): a key and the certificate a private CA issued for
// it, as `cosign sign --key --certificate --certificate-chain` takes them.
// cosign then verifies by identity: `cosign verify --certificate-identity
// ID --certificate-oidc-issuer ISSUER --certificate-chain ROOT.pem`.
//
// The files are checked here rather than at verification: the certificate
// must certify the key, allow code signing, be valid now, and chain to the
// last certificate of the chain.
func Certify(s Signer, certPath, chainPath string) (Signer, error) {
	k, ok := s.(*keySigner)
	if !ok {
		return nil, fmt.Errorf("a certificate is given with a key; this signer has none")
	}
	cert, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("reading the certificate file: %w", err)
	}
	var chain []byte
	if chainPath != "" {
		if chain, err = os.ReadFile(chainPath); err != nil {
			return nil, fmt.Errorf("reading the certificate chain file: %w", err)
		}
	}
	leaf, err := checkCertificate(cert, chain, time.Now())
	if err != nil {
		return nil, fmt.Errorf("certificate %s: %w", certPath, err)
	}
	if pub, ok := leaf.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pub.Equal(k.Public()) {
		return nil, fmt.Errorf("certificate %s certifies another key than the signing key; give the certificate issued for that key", certPath)
	}
	return &certifiedSigner{keySigner: k, cert: cert, chain: chain}, nil
}

type certifiedSigner struct {
	*keySigner
	cert, chain []byte
}

func (c *certifiedSigner) Sign(ctx context.Context, payload []byte) (Signature, error) {
	sig, err := c.keySigner.Sign(ctx, payload)
	sig.Certificate, sig.Chain = c.cert, c.chain
	return sig, err
}

// checkCertificate parses the PEM certificate cert and checks what cosign
// checks of it (but the identity, which the verifier names): it allows code
// signing, it is valid at now (cosign, with no transparency log entry to
// date the signature, checks the certificate at the time it verifies), and
// it chains to the last certificate of chain, through the others. chain
// may be empty: the verifier then gives every certificate up to the root.
func checkCertificate(cert, chain []byte, now time.Time) (*x509.Certificate, error) {
	certs, err := parseCertificates(cert)
	switch {
	case err != nil:
		return nil, err
	case len(certs) != 1:
		return nil, fmt.Errorf("it holds %d PEM certificates; give the signing key's certificate alone, and its issuers as the chain", len(certs))
	}
	leaf := certs[0]
	if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageCodeSigning) {
		return nil, fmt.Errorf("it does not allow code signing (extended key usage 1.3.6.1.5.5.7.3.3), which cosign requires; issue it with that usage")
	}
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("it is valid from %s to %s, not now; cosign refuses a signature whose certificate is not valid when it verifies, with no transparency log entry to date it", leaf.NotBefore.UTC().Format(time.RFC3339), leaf.NotAfter.UTC().Format(time.RFC3339))
	}
	if len(chain) == 0 {
		return leaf, nil
	}
	issuers, err := parseCertificates(chain)
	if err != nil {
		return nil, fmt.Errorf("its chain: %w; give the certificates from its issuer up to the root", err)
	}
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(issuers[len(issuers)-1])
	for _, c := range issuers[:len(issuers)-1] {
		intermediates.AddCert(c)
	}
	// As cosign verifies: at the time the certificate starts, for code
	// signing.
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots: roots, Intermediates: intermediates,
		CurrentTime: leaf.NotBefore,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	})
	if err != nil {
		return nil, fmt.Errorf("it does not chain to the last certificate of its chain, %q (%v); give the certificates from its issuer up to the root, in that order", issuers[len(issuers)-1].Subject, err)
	}
	return leaf, nil
}

// parseCertificates reads every CERTIFICATE block of PEM data.
func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("reading a PEM certificate: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
	}
	return out, nil
}
