package registry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Explain adds what went wrong, in the user's terms, and what to do to an
// error of a request to registry: the registry refused the credentials (log
// in), or was never reached: nothing listens at its address, its name is
// not found, or its TLS certificate is not trusted. These read alike in
// the network's own words, and want different fixes.
func Explain(err error, registry string) error {
	if err == nil {
		return nil
	}
	var te *transport.Error
	var dns *net.DNSError
	switch {
	case errors.As(err, &te) && (te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden):
		return fmt.Errorf("%w; the registry wants credentials it was not given: run docker login %s (or set DOCKER_CONFIG to the folder of a config.json that has them)", err, registry)
	case errors.As(err, &dns):
		return fmt.Errorf("%w; the registry's host name %s could not be resolved (DNS): check the name, and that this machine's DNS resolves it", err, dns.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("%w; the registry %s is unreachable: nothing accepts connections at that address: check the host and port, and that the registry runs", err, registry)
	case isTLSError(err):
		return fmt.Errorf("%w; the TLS connection to the registry %s failed: its certificate is not trusted or not for that name, or it does not speak HTTPS there: check the address, or add the registry's CA to the system's trusted certificates (SSL_CERT_FILE)", err, registry)
	case isUnreachable(err):
		return fmt.Errorf("%w; the registry %s is unreachable: check the address and the network (a proxy: HTTPS_PROXY)", err, registry)
	}
	return err
}

// isTLSError tells a failed TLS handshake: an untrusted or mismatched
// certificate, or a server that does not speak TLS.
func isTLSError(err error) bool {
	var (
		verify    *tls.CertificateVerificationError
		header    tls.RecordHeaderError
		authority x509.UnknownAuthorityError
		host      x509.HostnameError
		invalid   x509.CertificateInvalidError
	)
	return errors.As(err, &verify) || errors.As(err, &header) || errors.As(err, &authority) ||
		errors.As(err, &host) || errors.As(err, &invalid)
}

// isUnreachable tells a connection that failed before any answer: a
// network or host that is down, a timeout to connect.
func isUnreachable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// keychain is a keychain whose errors say what is wrong in the user's
// terms: a credential helper that docker config.json names but that is not
// installed is the common case.
type keychain struct{ authn.Keychain }

// Keychain wraps k so that its errors explain themselves.
func Keychain(k authn.Keychain) authn.Keychain { return keychain{k} }

func (k keychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	a, err := k.Keychain.Resolve(r)
	if err == nil {
		return a, nil
	}
	msg := err.Error()
	if i := strings.Index(msg, "docker-credential-"); i >= 0 && strings.Contains(msg, "not found") {
		helper := strings.FieldsFunc(msg[i:], func(r rune) bool { return r == '"' || r == ':' || r == ' ' })[0]
		return nil, fmt.Errorf("docker config.json names a credential helper for %s, but %s is not on PATH; install it, or run docker login %s again", r.RegistryStr(), helper, r.RegistryStr())
	}
	return nil, fmt.Errorf("reading the credentials for %s from docker config.json: %w", r.RegistryStr(), err)
}
