package resolve

import (
	"bytes"
	"io"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzResolveYAML feeds any bytes as a file given to goimage_resolve:
// refused with an error naming the file, or rewritten into YAML that still
// parses, document for document. The seeds (testdata/fuzz/FuzzResolveYAML)
// are Kubernetes, Compose and Helm files, and hostile ones: an alias bomb,
// an alias into itself, keys given twice, bytes that are not UTF-8, UTF-16,
// deep nesting, many documents.
func FuzzResolveYAML(f *testing.F) {
	f.Add([]byte("image: //app:image\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := YAML("deploy.yaml", data, testRefs)
		if err != nil {
			if !bytes.Contains([]byte(err.Error()), []byte("deploy.yaml")) {
				t.Errorf("error %q does not name the file", err)
			}
			return
		}
		if in, got := documents(t, data), documents(t, out); in != got {
			t.Errorf("%d documents became %d:\n%s", in, got, out)
		}
	})
}

// documents counts the documents of src, failing the test if it is not YAML.
func documents(t *testing.T, src []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for n := 0; ; n++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err == io.EOF {
			return n
		} else if err != nil {
			t.Fatalf("the output is not YAML: %v\n%s", err, src)
		}
	}
}
