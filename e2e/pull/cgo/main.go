// A cgo program: built with pure = "off", it is dynamically linked against
// the C library.
package main

// #include <stdlib.h>
import "C"

import "fmt"

func main() {
	fmt.Println("Hello from cgo, abs(-3) =", C.abs(-3))
}
