package gobinary

import (
	"runtime"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

// A cgo binary built by the machine's gcc needs the loader and libc; a pure
// Go one needs nothing.
func TestReadDynamic(t *testing.T) {
	d, err := ReadDynamic(testenv.CgoBinary(t, testenv.CgoSource))
	if err != nil {
		t.Fatal(err)
	}
	if d == nil || !strings.HasPrefix(d.Interpreter, "/lib") || !strings.Contains(strings.Join(d.Libraries, " "), "libc.so") {
		t.Errorf("the cgo binary needs %+v, want a /lib loader and libc", d)
	}
	if d, err := ReadDynamic(testenv.GoBinary(t, testenv.HelloSource, "linux", runtime.GOARCH)); err != nil || d != nil {
		t.Errorf("a pure Go binary needs %+v, %v; want nothing", d, err)
	}
}
