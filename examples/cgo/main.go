// Command libcversion is a cgo program: it prints the version of the C
// library it runs on, which the image's base provides.
package main

/*
#include <gnu/libc-version.h>
*/
import "C"

import "fmt"

func main() {
	fmt.Printf("Hello from cgo, on glibc %s\n", C.GoString(C.gnu_get_libc_version()))
}
