// Command tool is a second Go binary, put into the image by a goimage_layer.
package main

import (
	"fmt"
	"runtime"
)

func main() { fmt.Println("tool for", runtime.GOARCH) }
