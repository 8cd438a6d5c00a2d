// Command scalebench measures what the goimage language adds to a Gazelle
// run on a synthetic monorepo (2,000 packages, 500 binaries by default),
// and prints Gazelle with the Go language only and with the Go and goimage
// languages side by side:
//
//	go run ./language/goimage/internal/scalebench [-packages N] [-binaries N] [-runs N]
//
// Two scenarios: "create" starts without package BUILD files, "update"
// reruns Gazelle on BUILD files that are up to date. Runs of the two
// setups alternate, so that a machine that gets busier slows both alike.
// Besides wall and CPU time of whole runs, it prints the time spent in the
// goimage language's own code, which the noise of a busy machine hides.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/bazel-contrib/bazel-gazelle/v2/cmd/gazelle/update"
	"github.com/bazel-contrib/bazel-gazelle/v2/compat"
	"github.com/bazelbuild/bazel-gazelle/language"
	golang "github.com/bazelbuild/bazel-gazelle/language/go"

	"github.com/rules-goimage/rules_goimage/language/goimage"
	"github.com/rules-goimage/rules_goimage/language/goimage/internal/gazellev1"
	"github.com/rules-goimage/rules_goimage/language/goimage/internal/synthrepo"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "scalebench: %v\n", err)
		os.Exit(1)
	}
}

// setup is one of the two Gazelles compared, with its own repository.
type setup struct {
	name    string
	goimage bool
	dir     string
	layout  synthrepo.Layout
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("scalebench", flag.ContinueOnError)
	packages := fs.Int("packages", 2000, "packages in the synthetic repository")
	binaries := fs.Int("binaries", 500, "binaries among them")
	runs := fs.Int("runs", 9, "timed runs per setup and scenario")
	dir := fs.String("dir", os.TempDir(), "folder to write the synthetic repositories in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(*dir, "scalebench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	setups, err := writeRepositories(tmp, *packages, *binaries)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Gazelle on a synthetic repository of %d packages and %d binaries, %d runs of each\n", *packages, *binaries, *runs)
	fmt.Fprintf(out, "%-30s %-12s %9s %14s %8s\n", "scenario", "time", "go only", "go + goimage", "added")
	for _, sc := range []scenario{createScenario, updateScenario} {
		times, err := measure(setups, sc, *runs)
		if err != nil {
			return err
		}
		for _, row := range []struct {
			name string
			kind int
			stat func([]time.Duration) time.Duration
		}{{"wall, median", wallTime, median}, {"cpu, median", cpuTime, median}, {"cpu, best", cpuTime, best}} {
			without, with := row.stat(times[0][row.kind]).Seconds(), row.stat(times[1][row.kind]).Seconds()
			fmt.Fprintf(out, "%-30s %-12s %8.3fs %13.3fs %+7.1f%%\n", sc.name, row.name, without, with, 100*(with-without)/without)
		}
		fmt.Fprintf(out, "%-30s %-12s %9s %14s %+7.1f%%\n", sc.name, "cpu, paired", "", "", 100*(medianRatio(times[1][cpuTime], times[0][cpuTime])-1))
		own, without := median(times[1][ownTime]).Seconds(), median(times[0][cpuTime]).Seconds()
		fmt.Fprintf(out, "%-30s %-12s %9s %13.3fs %+7.1f%%\n", sc.name, "in goimage", "", own, 100*own/without)
	}
	fmt.Fprintln(out, "added: go + goimage against go only; best: the least disturbed run; paired: the median of the ratios of")
	fmt.Fprintln(out, "runs made one after the other; in goimage: time in the goimage language's own code (median)")
	return nil
}

func writeRepositories(tmp string, packages, binaries int) ([]*setup, error) {
	setups := []*setup{{name: "go only"}, {name: "go + goimage", goimage: true}}
	for _, s := range setups {
		s.dir = filepath.Join(tmp, strings.ReplaceAll(s.name, " ", ""))
		s.layout = synthrepo.Layout{Packages: packages, Binaries: binaries, Directives: s.goimage}
		if err := synthrepo.Write(s.dir, s.layout); err != nil {
			return nil, err
		}
	}
	return setups, nil
}

// scenario prepares a repository before a timed run.
type scenario struct {
	name    string
	prepare func(*setup) error
}

var (
	createScenario = scenario{"create (no BUILD files)", func(s *setup) error {
		return synthrepo.RemovePackageBuildFiles(s.dir, s.layout)
	}}
	updateScenario = scenario{"update (BUILD files current)", func(*setup) error { return nil }}
)

// The times measure records of each run.
const (
	wallTime = iota // what a user waits
	cpuTime         // user and system time: less disturbed by other work on the machine
	ownTime         // time in the goimage language's own code
)

// measure runs each setup runs times in the scenario, alternating, after
// one untimed run each, and returns the times of each setup's runs.
func measure(setups []*setup, sc scenario, runs int) ([][3][]time.Duration, error) {
	times := make([][3][]time.Duration, len(setups))
	for r := -1; r < runs; r++ {
		for k := range setups {
			// Every other round in reverse order, so that neither setup
			// always runs right after the other.
			i := k
			if r%2 != 0 {
				i = len(setups) - 1 - k
			}
			s := setups[i]
			if err := sc.prepare(s); err != nil {
				return nil, err
			}
			wall, cpu, own, err := timeGazelle(s)
			if err != nil {
				return nil, err
			}
			if r >= 0 {
				times[i][wallTime] = append(times[i][wallTime], wall)
				times[i][cpuTime] = append(times[i][cpuTime], cpu)
				times[i][ownTime] = append(times[i][ownTime], own)
			}
		}
	}
	for _, s := range setups {
		if err := checkImages(s); err != nil {
			return nil, err
		}
	}
	return times, nil
}

func median(ts []time.Duration) time.Duration {
	sorted := slices.Clone(ts)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func best(ts []time.Duration) time.Duration { return slices.Min(ts) }

// medianRatio is the median of with[i]/without[i]: runs i of the two setups
// are next to each other, so a machine that gets busier for a while slows
// both.
func medianRatio(with, without []time.Duration) float64 {
	ratios := make([]float64, len(with))
	for i := range with {
		ratios[i] = float64(with[i]) / float64(without[i])
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2]
}

// timeGazelle runs Gazelle once on the setup's repository, in-process, as
// a gazelle_binary would, and returns the wall and CPU time it took and the
// time spent in the goimage language's own code.
func timeGazelle(s *setup) (wall, cpu, own time.Duration, err error) {
	langs := []language.Language{golang.NewLanguage()}
	if s.goimage {
		langs = append(langs, gazellev1.Language(timed(compat.LanguageWithDefaults(goimage.NewV2()), &own)))
	}
	var logs bytes.Buffer
	log.SetOutput(&logs)
	defer log.SetOutput(os.Stderr)
	runtime.GC()
	cpuStart, start := processCPUTime(), time.Now()
	err = update.Run(context.Background(), langs, s.dir, nil)
	wall, cpu = time.Since(start), processCPUTime()-cpuStart
	if err != nil || logs.Len() > 0 {
		return 0, 0, 0, fmt.Errorf("gazelle (%s) on %s: %v %s", s.name, s.dir, err, logs.String())
	}
	return wall, cpu, own, nil
}

// checkImages checks that Gazelle wrote one image per binary with the
// goimage language, and none without it: the two runs did what they say.
func checkImages(s *setup) error {
	images := 0
	err := filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Name() != "BUILD.bazel" {
			return err
		}
		data, err := os.ReadFile(p)
		images += strings.Count(string(data), "\ngo_image(")
		return err
	})
	want := 0
	if s.goimage {
		want = s.layout.Binaries
	}
	if err == nil && images != want {
		err = fmt.Errorf("gazelle (%s) wrote %d images for %d binaries, want %d", s.name, images, s.layout.Binaries, want)
	}
	return err
}
