package main

import (
	"bytes"
	"strings"
	"testing"
)

// BenchmarkGazelle times one Gazelle run on the synthetic repository per
// setup and scenario; go test -bench prints them one under the other:
//
//	go test -run '^$' -bench . ./language/goimage/internal/scalebench
func BenchmarkGazelle(b *testing.B) {
	setups, err := writeRepositories(b.TempDir(), 2000, 500)
	if err != nil {
		b.Fatal(err)
	}
	for _, sc := range []scenario{createScenario, updateScenario} {
		for _, s := range setups {
			b.Run(strings.Fields(sc.name)[0]+"/"+strings.ReplaceAll(s.name, " ", ""), func(b *testing.B) {
				if _, _, _, err := timeGazelle(s); err != nil { // BUILD files for update
					b.Fatal(err)
				}
				for b.Loop() {
					b.StopTimer()
					if err := sc.prepare(s); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					if _, _, _, err := timeGazelle(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestRunPrintsBothSetups runs the command on a small repository: it
// checks the images Gazelle wrote and prints one line per scenario.
func TestRunPrintsBothSetups(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-packages", "40", "-binaries", "10", "-runs", "1"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"40 packages and 10 binaries", "go only", "go + goimage", "create (no BUILD files)", "update (BUILD files current)", "cpu, median", "cpu, best", "cpu, paired", "in goimage"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output does not contain %q:\n%s", want, out.String())
		}
	}
}
