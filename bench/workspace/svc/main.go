// Command svc is one of thirty services, which differ by their name (x_defs).
package main

import (
	"fmt"

	"example.com/bench/lib"
)

var name = "svc"

func main() { fmt.Println(lib.Greeting(name)) }
