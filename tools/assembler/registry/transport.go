package registry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultIdleTimeout is how long a request may make no progress, sending or
// receiving, before it is given up and retried: a stalled registry never
// hangs a build or a push.
const DefaultIdleTimeout = 60 * time.Second

// maxRetryAfter bounds how long a Retry-After answer makes a request wait.
const maxRetryAfter = 2 * time.Minute

// IdleError reports a request that made no progress for the idle timeout.
// It is temporary, so the retry policy tries again.
type IdleError struct {
	Method, URL string
	Idle        time.Duration
}

func (e *IdleError) Error() string {
	return fmt.Sprintf("%s %s made no progress for %s; the registry or the network stalled", e.Method, e.URL, e.Idle)
}

// Temporary and Timeout make the retry policy try again.
func (e *IdleError) Temporary() bool { return true }
func (e *IdleError) Timeout() bool   { return true }

// idleTransport gives up a request that makes no progress for idle, in
// either direction, and waits as a 429 or 503 answer's Retry-After asks
// before handing the answer to the retry policy.
type idleTransport struct {
	base http.RoundTripper
	idle time.Duration
}

func newTransport(base http.RoundTripper, idle time.Duration) http.RoundTripper {
	if idle <= 0 {
		idle = DefaultIdleTimeout
	}
	return &idleTransport{base: base, idle: idle}
}

func (t *idleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	idleErr := &IdleError{Method: req.Method, URL: req.URL.Redacted(), Idle: t.idle}
	w := newWatchdog(t.idle, func() { cancel(idleErr) })
	req = req.Clone(ctx)
	if req.Body != nil {
		req.Body = &progressBody{ReadCloser: req.Body, w: w}
	}
	resp, err := t.base.RoundTrip(req)
	if err == nil && manifestBlobUnknown(req, resp) {
		resp, err = t.retryManifest(req, resp, w)
	}
	if err != nil {
		w.stop()
		if errors.Is(context.Cause(ctx), idleErr) {
			return nil, idleErr
		}
		return nil, err
	}
	resp.Body = &progressBody{ReadCloser: resp.Body, w: w, cause: func() error { return context.Cause(ctx) }, idleErr: idleErr}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		waitRetryAfter(req.Context(), resp, w)
	}
	return readSmallBody(req, resp)
}

// manifestRetries paces the retries of a manifest that the registry
// answered with MANIFEST_BLOB_UNKNOWN although its blobs were uploaded.
var manifestRetries = []time.Duration{100 * time.Millisecond, 500 * time.Millisecond, 2 * time.Second}

// manifestBlobUnknown tells a manifest refused for a blob the registry does
// not know. The blobs go up before their manifest, so it means another
// client was uploading one of them at the same time: docker-registry
// rewrites a repository's link to a blob in place as each upload ends, and
// a manifest checked meanwhile reads it empty. Its answer is small; it is
// read, and put back.
func manifestBlobUnknown(req *http.Request, resp *http.Response) bool {
	if req.Method != http.MethodPut || !strings.Contains(req.URL.Path, "/manifests/") ||
		resp.StatusCode != http.StatusBadRequest || req.GetBody == nil {
		return false
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return err == nil && bytes.Contains(body, []byte("MANIFEST_BLOB_UNKNOWN"))
}

// retryManifest sends the manifest again, after the other upload is done,
// as long as the registry answers MANIFEST_BLOB_UNKNOWN; then its last
// answer stands.
func (t *idleTransport) retryManifest(req *http.Request, resp *http.Response, w *watchdog) (*http.Response, error) {
	for _, d := range manifestRetries {
		w.pause()
		select {
		case <-time.After(d):
		case <-req.Context().Done():
			w.resume()
			return resp, nil
		}
		w.resume()
		body, err := req.GetBody()
		if err != nil {
			return resp, nil
		}
		again := req.Clone(req.Context())
		again.Body = &progressBody{ReadCloser: body, w: w}
		next, err := t.base.RoundTrip(again)
		if err != nil {
			return nil, err
		}
		resp = next
		if !manifestBlobUnknown(again, resp) {
			return resp, nil
		}
	}
	return resp, nil
}

// smallBody is the largest answer read whole before it is handed on.
const smallBody = 16 << 20

// readSmallBody reads a small answer (a manifest, a config, a token) whole,
// so that a connection cut in its middle is an error of the request, which
// the retry policy retries; layers are refetched by the code reading them.
func readSmallBody(req *http.Request, resp *http.Response) (*http.Response, error) {
	if req.Method != http.MethodGet || resp.ContentLength < 0 || resp.ContentLength > smallBody {
		return resp, nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, &BrokenError{Method: req.Method, URL: req.URL.Redacted(), Err: err}
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// BrokenError reports an answer whose body broke off. It is temporary, so
// the retry policy tries again.
type BrokenError struct {
	Method, URL string
	Err         error
}

func (e *BrokenError) Error() string {
	return fmt.Sprintf("%s %s: the answer broke off: %v", e.Method, e.URL, e.Err)
}

func (e *BrokenError) Unwrap() error   { return e.Err }
func (e *BrokenError) Temporary() bool { return true }

// waitRetryAfter waits the time a Retry-After header asks for, at most
// maxRetryAfter, before the answer goes to the retry policy.
func waitRetryAfter(ctx context.Context, resp *http.Response, w *watchdog) {
	d := retryAfter(resp.Header.Get("Retry-After"))
	if d <= 0 {
		return
	}
	w.pause()
	defer w.resume()
	select {
	case <-time.After(min(d, maxRetryAfter)):
	case <-ctx.Done():
	}
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date.
func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// progressBody tells the watchdog about every byte that moves, and stops it
// at the end of the body.
type progressBody struct {
	io.ReadCloser
	w       *watchdog
	cause   func() error
	idleErr *IdleError
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.kick()
	}
	if err != nil && err != io.EOF && b.cause != nil && errors.Is(b.cause(), b.idleErr) {
		err = b.idleErr
	}
	return n, err
}

func (b *progressBody) Close() error {
	if b.cause != nil {
		b.w.stop()
	}
	return b.ReadCloser.Close()
}

// watchdog calls fire when kick has not been called for idle.
type watchdog struct {
	mu     sync.Mutex
	timer  *time.Timer
	idle   time.Duration
	paused bool
}

func newWatchdog(idle time.Duration, fire func()) *watchdog {
	return &watchdog{timer: time.AfterFunc(idle, fire), idle: idle}
}

func (w *watchdog) kick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.paused {
		w.timer.Reset(w.idle)
	}
}

func (w *watchdog) pause() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.paused = true
	w.timer.Stop()
}

func (w *watchdog) resume() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.paused = false
	w.timer.Reset(w.idle)
}

func (w *watchdog) stop() { w.timer.Stop() }
