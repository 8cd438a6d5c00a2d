// Command worker stands for a queue worker of the monorepo.
package main

import "fmt"

func main() {
	fmt.Println("worker: working")
}
