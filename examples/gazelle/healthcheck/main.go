// Command healthcheck is the base image's one tool: the service images
// built on it can run it as their health check.
package main

import "fmt"

func main() {
	fmt.Println("healthcheck: ok")
}
