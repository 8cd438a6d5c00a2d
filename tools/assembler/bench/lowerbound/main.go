// Command lowerbound measures the least work an image build must do for a
// binary's layer: gzip-compress its bytes, hashing them with sha256 before
// (the diff_id) and after (the digest) compression, in process, with the
// file already in memory. bench.sh prints it next to the
// image builders as the lower bound they are measured against.
//
//	lowerbound -binary FILE [-runs N]
//
// prints the median milliseconds of that work with the compressor the
// assembler uses (klauspost/compress gzip, default level) and with the Go
// standard library's gzip at its default level.
package main

import (
	stdgzip "compress/gzip"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
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
	fmt.Printf("assembler-gzip %.1f\n", median(*runs, func() { compressAndHash(b, klauspost) }))
	fmt.Printf("stdlib-gzip %.1f\n", median(*runs, func() { compressAndHash(b, stdlib) }))
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
