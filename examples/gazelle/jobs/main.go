// Command jobs runs the nightly jobs; a second go_binary in BUILD.bazel
// builds it with a different default job.
package main

import "fmt"

// job is set per binary with x_defs.
var job = "cleanup"

func main() {
	fmt.Println("jobs: running", job)
}
