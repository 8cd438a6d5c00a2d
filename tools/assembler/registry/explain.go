package registry

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Explain adds what to do to a registry's refusal: log in, or fix the
// credentials docker config.json gives for the registry.
func Explain(err error, registry string) error {
	var te *transport.Error
	if errors.As(err, &te) && (te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden) {
		return fmt.Errorf("%w; the registry wants credentials it was not given: run docker login %s (or set DOCKER_CONFIG to the folder of a config.json that has them)", err, registry)
	}
	return err
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
