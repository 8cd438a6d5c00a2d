package sniff

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
)

func TestHead(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     string
	}{
		{"longer file", "\x7fELF\x02\x01", "\x7fELF"},
		{"shorter file", "MZ", "MZ"},
		{"empty file", "", ""},
	} {
		got, err := Head(bytes.NewReader([]byte(tc.in)), 4)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: Head = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// A read that fails is an error, not a file too short to tell.
func TestHeadFailingRead(t *testing.T) {
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	if _, err := Head(dir, 4); err == nil {
		t.Fatal("Head of a directory's file succeeded; want the read's error")
	}
	if _, err := Head(io.MultiReader(bytes.NewReader([]byte("ab")), failing{}), 4); !errors.Is(err, errFailed) {
		t.Fatalf("Head = %v; want the reader's error", err)
	}
}

var errFailed = errors.New("read failed")

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errFailed }
