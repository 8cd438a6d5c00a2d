// Command consumer compresses a line with zstd and prints it back.
package main

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

func main() {
	enc, _ := zstd.NewWriter(nil)
	dec, _ := zstd.NewReader(nil)
	out, err := dec.DecodeAll(enc.EncodeAll([]byte("consumer: zstd round trip"), nil), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(string(out))
}
