// Package registry holds how the assembler talks to registries, in one
// place for every request it makes (pulling a base, pushing an image): the
// credentials, the retry policy (backoff, Retry-After, an idle timeout that
// turns a stall into a retry) and the user agent.
//
// go-containerregistry's remote package speaks the protocol, bearer-token
// challenges included; this package sets its options.
package registry

import (
	"context"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// Options says how to reach a registry; zero values take the defaults.
type Options struct {
	// Keychain resolves credentials; nil means authn.DefaultKeychain
	// (docker config.json and its credential helpers).
	Keychain authn.Keychain
	// Transport carries the requests; nil means remote.DefaultTransport.
	Transport http.RoundTripper
	// Backoff paces retries of transient failures; zero means DefaultBackoff.
	Backoff remote.Backoff
	// IdleTimeout gives up and retries a request that makes no progress for
	// that long; zero means DefaultIdleTimeout.
	IdleTimeout time.Duration
}

// DefaultBackoff retries five times, after 1s, 2s, 4s, 8s and 16s.
var DefaultBackoff = remote.Backoff{Duration: time.Second, Factor: 2, Jitter: 0.1, Steps: 5}

// retryStatusCodes are the answers worth trying again: the registry (or a
// proxy before it) is overloaded or restarting.
var retryStatusCodes = []int{
	http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
	http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout,
}

// UserAgent names the assembler to registries.
const UserAgent = "rules_goimage-assembler"

// RemoteOptions are the options of every request to a registry; progress,
// when not nil, receives upload progress.
func RemoteOptions(ctx context.Context, o Options, progress chan<- v1.Update) []remote.Option {
	keychain, transport, backoff := o.Keychain, o.Transport, o.Backoff
	if keychain == nil {
		keychain = authn.DefaultKeychain
	}
	if transport == nil {
		transport = remote.DefaultTransport
	}
	if backoff.Steps == 0 {
		backoff = DefaultBackoff
	}
	opts := []remote.Option{
		remote.WithContext(ctx),
		remote.WithAuthFromKeychain(Keychain(keychain)),
		remote.WithTransport(newTransport(transport, o.IdleTimeout)),
		remote.WithRetryBackoff(backoff),
		remote.WithRetryStatusCodes(retryStatusCodes...),
		remote.WithUserAgent(UserAgent),
	}
	if progress != nil {
		opts = append(opts, remote.WithProgress(progress))
	}
	return opts
}
