package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"
)

// A signer command that fails, or that prints no signature, fails with the
// first lines of its stderr (which is still forwarded whole), never with
// its command line.
func TestCommandErrorsShowItsStderr(t *testing.T) {
	const secret = "token=MARKER-c0mmand-line"
	manyLines := "for i in 1 2 3 4 5 6 7; do echo line$i >&2; done"
	for _, tc := range []struct {
		name, script string
		want         []string
		notWant      []string
	}{
		{"exits non-zero", manyLines + "; exit 3",
			[]string{"the signer command failed (exit status 3)", "line1", "line5", "..."}, []string{"line6"}},
		{"prints garbage", "echo 'not a signature!'; echo 'kms: key disabled' >&2",
			[]string{"printed no base64 signature", "kms: key disabled"}, nil},
		{"prints bad JSON", "echo '{\"signature\": 1}'; echo 'bad json' >&2",
			[]string{"reading the JSON the signer command printed", "bad json"}, nil},
		{"prints too much", "head -c 1000000 /dev/zero; echo 'flooded' >&2",
			[]string{"the signer command failed"}, nil},
		{"prints binary on stderr", "head -c 100000 /dev/urandom >&2; exit 1",
			[]string{"the signer command failed"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, err := Command(tc.script+" # "+secret, &stderr, 0).Sign(context.Background(), []byte("payload"))
			if err == nil {
				t.Fatal("the signer command succeeded")
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("the error lacks %q:\n%s", w, msg)
				}
			}
			for _, w := range append(tc.notWant, "MARKER") {
				if strings.Contains(msg, w) {
					t.Errorf("the error holds %q:\n%s", w, msg)
				}
			}
			if len(msg) > 2000 {
				t.Errorf("the error is %d bytes long, want its stderr bounded", len(msg))
			}
			if tc.name == "exits non-zero" && !strings.Contains(stderr.String(), "line7") {
				t.Errorf("the command's stderr was not forwarded whole: %q", stderr.String())
			}
		})
	}
}

func TestCommandTimeoutDefaults(t *testing.T) {
	if c := Command("true", nil, 0).(*commandSigner); c.timeout != DefaultCommandTimeout {
		t.Errorf("the timeout of a command given none is %s, want %s", c.timeout, DefaultCommandTimeout)
	}
}

// A command that signs (here: base64 of what it read, which is not a
// signature, but is what it printed) gets its output through, with its
// stderr forwarded.
func TestCommandOutputPassesThrough(t *testing.T) {
	var stderr bytes.Buffer
	sig, err := Command("echo signing >&2; base64 -w0", &stderr, time.Minute).Sign(context.Background(), []byte("payload"))
	if err != nil {
		t.Fatal(err)
	}
	if string(sig.Raw) != "payload" || stderr.String() != "signing\n" {
		t.Errorf("signature %q, stderr %q; want the payload and \"signing\"", sig.Raw, stderr.String())
	}
}

func ExampleCommand() {
	signer := Command(`printf %s "$(base64 -w0)"`, nil, 30*time.Second)
	sig, err := signer.Sign(context.Background(), []byte("abc"))
	fmt.Println(base64.StdEncoding.EncodeToString(sig.Raw), err)
	// Output: YWJj <nil>
}
