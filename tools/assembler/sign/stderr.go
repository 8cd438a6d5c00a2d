package sign

import (
	"strings"
	"unicode"
)

// A signer command's stderr is forwarded whole, and its first lines are
// kept for the error: enough to show why it failed, bounded so that a
// command that prints megabytes (or binary) cannot flood the message.
const (
	stderrLines    = 5
	stderrLineSize = 200
)

// stderrHead keeps the first stderrLines lines written to it, each cut
// at stderrLineSize bytes; it never fails, so the command's stderr is
// always drained.
type stderrHead struct {
	lines   []string
	current strings.Builder
	more    bool // lines past the ones kept
}

func (h *stderrHead) Write(p []byte) (int, error) {
	for _, b := range string(p) {
		if len(h.lines) == stderrLines {
			h.more = h.more || b != '\n' || h.current.Len() > 0
			continue
		}
		switch {
		case b == '\n':
			h.endLine()
		case h.current.Len() >= stderrLineSize:
		case unicode.IsPrint(b) || b == '\t':
			h.current.WriteRune(b)
		default:
			h.current.WriteRune('?')
		}
	}
	return len(p), nil
}

func (h *stderrHead) endLine() {
	line := strings.TrimSpace(h.current.String())
	h.current.Reset()
	if line != "" {
		h.lines = append(h.lines, line)
	}
}

// suffix is the kept lines as the end of an error message, on one line,
// or nothing when the command printed nothing on stderr.
func (h *stderrHead) suffix() string {
	if h.current.Len() > 0 && len(h.lines) < stderrLines {
		h.endLine()
	}
	if len(h.lines) == 0 {
		return ""
	}
	s := "; its stderr began with: " + strings.Join(h.lines, " | ")
	if h.more {
		s += " | ..."
	}
	return s
}
