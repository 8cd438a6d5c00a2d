package verify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func digestOf(s string) v1.Hash {
	sum := sha256.Sum256([]byte(s))
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}

func readAll(t *testing.T, content string, want v1.Hash, size int64) error {
	t.Helper()
	rc, err := ReadCloser(io.NopCloser(strings.NewReader(content)), want, size, "blob x")
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(io.Discard, rc)
	return err
}

func TestReadCloser(t *testing.T) {
	good := digestOf("hello")
	for _, tc := range []struct {
		name, content string
		size          int64
		wantErr       string
	}{
		{"matching", "hello", 5, ""},
		{"any size", "hello", -1, ""},
		{"corrupt", "hellO", 5, "hashes to"},
		{"truncated", "hell", 5, "is 4 bytes, but its descriptor says 5"},
		{"too long", "hello!", 5, "is longer than the 5 bytes its descriptor says"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := readAll(t, tc.content, good, tc.size)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var mm *MismatchError
			if !errors.As(err, &mm) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want a MismatchError containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestBytes(t *testing.T) {
	if err := Bytes([]byte("hello"), digestOf("hello"), "config"); err != nil {
		t.Fatal(err)
	}
	err := Bytes(bytes.ToUpper([]byte("hello")), digestOf("hello"), "config")
	if err == nil || !strings.Contains(err.Error(), "config hashes to") {
		t.Fatalf("error = %v, want a digest mismatch naming the config", err)
	}
	if err := Bytes(nil, v1.Hash{Algorithm: "sha512", Hex: "00"}, "x"); err == nil {
		t.Fatal("expected an error for sha512")
	}
}
