// Command lowerbound measures the least work an image build must do for a
// binary's layer: gzip-compress its bytes, hashing them with sha256 before
// (the diff_id) and after (the digest) compression, in process, with the
// file already in memory. bench/assembler.sh prints it next to the
// image builders as the lower bound they are measured against.
//
//	lowerbound -binary FILE [-runs N]
//
// prints, for the compressor the assembler uses (klauspost/compress gzip,
// default level) and for the Go standard library's gzip at its default
// level, the median wall milliseconds of that work and its mean CPU (user +
// system) milliseconds, which shared machines disturb less.
package main

import (
	stdgzip "compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"syscall"
	"time"

	"github.com/klauspost/compress/gzip"
)

func main() {
	binary := flag.String("binary", "", "the file to compress")
	runs := flag.Int("runs", 10, "how many times to measure")
	flag.Parse()
	b, err := os.ReadFile(*binary)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lowerbound:", err)
		os.Exit(1)
	}
	for _, c := range []struct {
		name      string
		newWriter func(io.Writer) io.WriteCloser
	}{{"assembler-gzip", klauspost}, {"stdlib-gzip", stdlib}} {
		cpuBefore := cpuMillis()
		wall := median(*runs, func() { compressAndHash(b, c.newWriter) })
		cpu := (cpuMillis() - cpuBefore) / float64(*runs)
		fmt.Printf("%s %.1f %.1f\n", c.name, wall, cpu)
	}
}

// cpuMillis is the CPU time (user + system) this process used so far.
func cpuMillis() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

func klauspost(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) }
func stdlib(w io.Writer) io.WriteCloser    { return stdgzip.NewWriter(w) }

// compressAndHash gzips b into a sha256 hash, as a layer's digest is made,
// and hashes b too, as its diff_id is.
func compressAndHash(b []byte, newWriter func(io.Writer) io.WriteCloser) {
	diffID, digest := sha256.New(), sha256.New()
	zw := newWriter(digest)
	io.MultiWriter(zw, diffID).Write(b)
	zw.Close()
	digest.Sum(nil)
	diffID.Sum(nil)
}

// median runs f runs times and returns the median duration in milliseconds.
func median(runs int, f func()) float64 {
	times := make([]float64, 0, runs)
	for i := 0; i < runs; i++ {
		start := time.Now()
		f()
		times = append(times, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(times)
	return times[len(times)/2]
}
