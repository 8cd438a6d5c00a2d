// Command hello is a main package of a module whose path is
// go-containerregistry's, one of the modules the assembler is built from.
package main

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

func main() {
	fmt.Println("hello from github.com/google/go-containerregistry, zstd", zstd.SpeedDefault)
}
