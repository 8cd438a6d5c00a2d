// Command api stands for an HTTP service of the monorepo.
package main

import "fmt"

func main() {
	fmt.Println("api: serving")
}
