package push

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sign"
)

// A signer command that fails, prints garbage or hangs fails the push with
// why, and moves no tag: v1 still names the image pushed before, and v2,
// new, names nothing.
func TestFailedSigningMovesNoTag(t *testing.T) {
	reg := testenv.StartRegistry(t, false)
	repo := reg.Host + "/team/app"
	before := randomImage(t, 1024, 1)
	if _, err := pushDir(t, writeLayout(t, before), Options{Repository: repo, Tags: []string{"v1"}}); err != nil {
		t.Fatal(err)
	}
	beforeDigest, _ := before.Digest()
	for _, tc := range []struct {
		name, command string
		timeout       time.Duration
		want          []string
	}{
		{"exits non-zero", "cat >/dev/null; echo 'kms: key disabled' >&2; exit 3", 0,
			[]string{"the signer command failed (exit status 3)", "kms: key disabled"}},
		{"prints garbage", "cat >/dev/null; echo '%%% not base64'; echo 'wrong output format' >&2", 0,
			[]string{"printed no base64 signature", "wrong output format"}},
		{"hangs", "echo 'waiting for a touch' >&2; sleep 3600", 500 * time.Millisecond,
			[]string{"did not finish within 500ms", "waiting for a touch"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			img := randomImage(t, 1024, 1)
			_, err := pushDir(t, writeLayout(t, img), Options{
				Repository: repo, Tags: []string{"v1", "v2"},
				Signer: sign.Command(tc.command, &stderr, tc.timeout),
			})
			if err == nil {
				t.Fatal("the push succeeded")
			}
			for _, w := range append(tc.want, "signing") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error lacks %q:\n%v", w, err)
				}
			}
			if got := tagDigest(t, repo+":v1"); got != beforeDigest.String() {
				t.Errorf("v1 names %s after a failed signed push, want %s, the image it named before", got, beforeDigest)
			}
			if got := tagDigest(t, repo+":v2"); got != "" {
				t.Errorf("v2 names %s after a failed signed push, want nothing", got)
			}
		})
	}
}

// tagDigest is the digest the tag names in the registry, empty when the
// registry does not know it.
func tagDigest(t *testing.T, tag string) string {
	t.Helper()
	ref, err := name.ParseReference(tag)
	if err != nil {
		t.Fatal(err)
	}
	d, err := remote.Head(ref)
	if terr, ok := err.(*transport.Error); ok && terr.StatusCode == 404 {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return d.Digest.String()
}
