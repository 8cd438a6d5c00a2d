package testenv

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// RequestLog is an http.RoundTripper for a registry client that notes
// every request with its answer's status ("PUT /v2/... 201"), as a logging
// proxy would, so that a test can count uploads and mounts.
type RequestLog struct {
	// Before, when set, runs before each request is sent.
	Before func(*http.Request)

	mu    sync.Mutex
	lines []string
}

func (l *RequestLog) RoundTrip(req *http.Request) (*http.Response, error) {
	if l.Before != nil {
		l.Before(req)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err == nil {
		l.mu.Lock()
		l.lines = append(l.lines, fmt.Sprintf("%s %s %d", req.Method, req.URL.RequestURI(), resp.StatusCode))
		l.mu.Unlock()
	}
	return resp, err
}

// Count counts the requests whose line holds every part.
func (l *RequestLog) Count(parts ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
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

// String is every request, a line each.
func (l *RequestLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}
