package resolve

import (
	"bytes"
	"strings"
	"testing"
)

func wantError(t *testing.T, src []byte, parts ...string) {
	t.Helper()
	_, err := YAML("deploy.yaml", src, testRefs)
	if err == nil {
		t.Fatalf("resolved, want an error saying %q", parts)
	}
	for _, p := range append([]string{"deploy.yaml"}, parts...) {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not say %q", err, p)
		}
	}
}

// Nine levels of nine aliases ("billion laughs") expand to 387 million
// nodes in whatever reads the file after goimage_resolve: refused, as is
// an alias to the node around it, which expands without end.
func TestResolveRefusesAliasBomb(t *testing.T) {
	src := "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
	for i, c := range "bcdefghi" {
		prev := string("abcdefgh"[i])
		src += string(c) + ": &" + string(c) + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
	}
	wantError(t, []byte(src+"image: //app:image\n"), "aliases (*name) expand it by more than 1000000 nodes", "alias bomb", "write the repeated values out")
	wantError(t, []byte("a: &a [1, *a]\n"), "or into itself", "alias bomb")
	// A few aliases, as Compose files use for shared settings, pass.
	if _, err := YAML("compose.yaml", []byte("x: &common {restart: always}\nservices:\n  api: {<<: *common, image: //app:image}\n"), testRefs); err != nil {
		t.Errorf("a Compose file with an alias: %v", err)
	}
}

func TestResolveRefusesHugeDocument(t *testing.T) {
	src := bytes.Repeat([]byte("# a comment line of a huge file\n"), MaxBytes/32+1)
	wantError(t, src, "larger than 33554432 bytes", "split it")
}

func TestResolveRefusesTooManyDocuments(t *testing.T) {
	src := bytes.Repeat([]byte("---\na: 1\n"), MaxDocuments+1)
	wantError(t, src, "more than 10000 YAML documents", "split it")
	if _, err := YAML("deploy.yaml", bytes.Repeat([]byte("---\na: 1\n"), MaxDocuments), testRefs); err != nil {
		t.Errorf("%d documents: %v", MaxDocuments, err)
	}
}

// Bytes that are not UTF-8 are not YAML, and a key given twice in one
// mapping is one whose readers disagree on which value counts: both are
// refused with the file and the line.
func TestResolveRefusesNonUTF8AndDuplicateKeys(t *testing.T) {
	wantError(t, []byte("name: caf\xe9\nimage: //app:image\n"), "is not valid YAML", "UTF-8")
	wantError(t, []byte("spec:\n  image: //app:image\n  image: worker\n"), "deploy.yaml:3", `key "image" is given twice`, "line 2", "remove one")
}
