// Command platform prints the platform it was built for, which is the
// platform of the image manifest it runs from.
package main

import (
	"fmt"
	"runtime"
)

func main() {
	fmt.Printf("Hello from %s/%s!\n", runtime.GOOS, runtime.GOARCH)
}
