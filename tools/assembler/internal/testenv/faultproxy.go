package testenv

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// FaultProxy serves a registry through a reverse proxy on 127.0.0.1 that
// injects faults into the requests a rule matches, logs every request with
// its answer's status ("PUT /v2/... 201", as RequestLog does) and can
// limit the bandwidth of bodies. Clients reach it at Host, over plain HTTP.
type FaultProxy struct {
	// Host is the proxy's host:port, to use in place of the registry's.
	Host string

	next *httputil.ReverseProxy
	mu   sync.Mutex
	// rules are tried in order; the first that matches and has faults
	// left answers the request.
	rules []*FaultRule
	// lost are the digests of blobs the registry pretends to have lost,
	// pending: until an upload of them is accepted; true: since then.
	lost  map[string]bool
	rate  int64 // bytes per second of every body; zero: unlimited
	lines []string
}

// Fault answers a request in place of the registry; next is the registry.
type Fault func(w http.ResponseWriter, r *http.Request, next http.Handler)

// FaultRule is a fault injected into matching requests.
type FaultRule struct {
	match func(*http.Request) bool
	fault Fault
	left  int // < 0: every matching request
}

// StartFaultProxy starts a proxy to the registry at registryHost (host:port,
// plain HTTP) and stops it when the test ends.
func StartFaultProxy(t testing.TB, registryHost string) *FaultProxy {
	t.Helper()
	p := NewFaultProxy(registryHost)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	p.Host = strings.TrimPrefix(srv.URL, "http://")
	return p
}

// NewFaultProxy returns a proxy to the registry at registryHost that its
// caller serves (cmd/registry's -slow does, for the benchmarks), setting
// Host to where it listens.
func NewFaultProxy(registryHost string) *FaultProxy {
	return &FaultProxy{
		next: httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: registryHost}),
		lost: map[string]bool{},
	}
}

// Inject makes fault answer the next times requests that match (every one
// when times < 0, a storm) instead of the registry.
func (p *FaultProxy) Inject(match func(*http.Request) bool, times int, fault Fault) *FaultRule {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := &FaultRule{match: match, fault: fault, left: times}
	p.rules = append(p.rules, r)
	return r
}

// Left is how many faults of the rule were not met yet.
func (p *FaultProxy) Left(r *FaultRule) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return r.left
}

// Clear removes every rule, loss and bandwidth limit, and empties the
// log: the registry is healthy again, and Count counts from here.
func (p *FaultProxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rules, p.lost, p.rate, p.lines = nil, map[string]bool{}, 0, nil
}

// LoseBlob makes the registry lose the blob digest once it accepted an
// upload of it: from then on, until the blob is uploaded again, it answers
// HEAD and GET of the blob with 404 BLOB_UNKNOWN in every repository,
// takes a mount of it for a new upload, and refuses a manifest that names
// it with 400 MANIFEST_BLOB_UNKNOWN, as a registry whose storage dropped
// the blob does.
func (p *FaultProxy) LoseBlob(digest string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lost[digest] = false
}

// Slow limits every request and answer body to bytesPerSecond, in both
// directions, as a slow link does; zero lifts the limit.
func (p *FaultProxy) Slow(bytesPerSecond int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate = bytesPerSecond
}

func (p *FaultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	p.serve(rec, r)
	p.mu.Lock()
	p.lines = append(p.lines, fmt.Sprintf("%s %s %d", r.Method, r.URL.RequestURI(), rec.code))
	p.mu.Unlock()
}

func (p *FaultProxy) serve(w *statusRecorder, r *http.Request) {
	fault, rate := p.take(r)
	if rate > 0 {
		r.Body = &slowReader{r: r.Body, rate: rate}
		w.rate = rate
	}
	switch {
	case fault != nil:
		fault(w, r, p.next)
	case p.isLost(r):
		registryError(w, http.StatusNotFound, "BLOB_UNKNOWN")
	case p.namesLost(r):
		registryError(w, http.StatusBadRequest, "MANIFEST_BLOB_UNKNOWN")
	default:
		p.forgetMount(r)
		p.next.ServeHTTP(w, r)
		p.noteUpload(r, w.code)
	}
}

// take finds the fault for r, counting it, and the bandwidth limit.
func (p *FaultProxy) take(r *http.Request) (Fault, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, rule := range p.rules {
		if rule.left != 0 && rule.match(r) {
			if rule.left > 0 {
				rule.left--
			}
			return rule.fault, p.rate
		}
	}
	return nil, p.rate
}

// isLost says whether r reads a blob the registry lost.
func (p *FaultProxy) isLost(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	_, digest, ok := strings.Cut(r.URL.Path, "/blobs/")
	p.mu.Lock()
	defer p.mu.Unlock()
	return ok && p.lost[digest]
}

// namesLost says whether r puts a manifest that names a lost blob; it
// leaves r's body to be read again.
func (p *FaultProxy) namesLost(r *http.Request) bool {
	if r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "/manifests/") {
		return false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for digest, lost := range p.lost {
		if lost && bytes.Contains(body, []byte(digest)) {
			return true
		}
	}
	return false
}

func registryError(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"errors":[{"code":%q,"message":"the registry lost a blob"}]}`, code)
}

// forgetMount turns a mount of a lost blob into the start of an upload.
func (p *FaultProxy) forgetMount(r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	lost := p.lost[q.Get("mount")]
	p.mu.Unlock()
	if r.Method == http.MethodPost && lost {
		q.Del("mount")
		q.Del("from")
		r.URL.RawQuery = q.Encode()
	}
}

// noteUpload marks a lost blob lost once an upload of it is accepted, and
// found again at the next.
func (p *FaultProxy) noteUpload(r *http.Request, code int) {
	digest := r.URL.Query().Get("digest")
	if r.Method != http.MethodPut || code != http.StatusCreated || digest == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if lost, ok := p.lost[digest]; ok {
		if lost {
			delete(p.lost, digest)
		} else {
			p.lost[digest] = true
		}
	}
}

// Count counts the requests whose log line holds every part.
func (p *FaultProxy) Count(parts ...string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return countLines(p.lines, parts)
}

// String is every request so far, a line each.
func (p *FaultProxy) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "\n")
}

// Status is a fault that answers with code, such as 503 (a storm of them
// when injected with times < 0).
func Status(code int) Fault {
	return func(w http.ResponseWriter, _ *http.Request, _ http.Handler) {
		http.Error(w, http.StatusText(code), code)
	}
}

// Cut is a fault that closes the connection without an answer, as a
// network that drops it does.
func Cut(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// CutMidBody is a fault that lets the registry answer, sends half of the
// answer's body and closes the connection.
func CutMidBody(w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(body[:len(body)/2])
	http.NewResponseController(w).Flush()
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		conn.Close()
	}
}

// BlobRead matches GET requests of blobs.
func BlobRead(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/")
}

// ManifestRequest matches every request of a manifest.
func ManifestRequest(r *http.Request) bool { return strings.Contains(r.URL.Path, "/manifests/") }

// BlobUpload matches the requests of blob uploads to repository (such as
// "team/app"; empty: any): starting them, mounting, and sending bytes.
func BlobUpload(repository string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return strings.Contains(r.URL.Path, "/blobs/uploads/") &&
			(repository == "" || strings.HasPrefix(r.URL.Path, "/v2/"+repository+"/blobs/"))
	}
}

// statusRecorder notes the status of an answer and limits its bandwidth.
type statusRecorder struct {
	http.ResponseWriter
	code int
	rate int64
}

func (s *statusRecorder) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.rate <= 0 {
		return s.ResponseWriter.Write(b)
	}
	n := 0
	for len(b) > 0 {
		chunk := b[:min(len(b), chunkSize(s.rate))]
		m, err := s.ResponseWriter.Write(chunk)
		n += m
		if err != nil {
			return n, err
		}
		http.NewResponseController(s.ResponseWriter).Flush()
		pause(m, s.rate)
		b = b[m:]
	}
	return n, nil
}

// Unwrap lets http.ResponseController reach the connection (CutMidBody).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// slowReader reads at most rate bytes a second.
type slowReader struct {
	r    io.ReadCloser
	rate int64
}

func (s *slowReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b[:min(len(b), chunkSize(s.rate))])
	pause(n, s.rate)
	return n, err
}

func (s *slowReader) Close() error { return s.r.Close() }

// chunkSize is the bytes sent or read between two pauses: a twentieth of a
// second's worth, so that the rate holds over short bodies too.
func chunkSize(rate int64) int { return int(max(rate/20, 1)) }

func pause(n int, rate int64) {
	time.Sleep(time.Duration(int64(n) * int64(time.Second) / rate))
}

func countLines(lines, parts []string) int {
	n := 0
	for _, line := range lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}
