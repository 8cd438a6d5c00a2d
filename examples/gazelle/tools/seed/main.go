// Command seed fills a development database; it runs on workstations and
// needs no image.
package main

import "fmt"

func main() {
	fmt.Println("seed: done")
}
