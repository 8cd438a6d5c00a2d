// Command app is the program the benchmark edits: bench/run.sh rewrites
// edit.go between builds, as a one-line change to a Go file.
package main

import "fmt"

func main() { fmt.Println(greeting) }
