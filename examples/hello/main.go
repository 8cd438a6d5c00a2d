// Command hello prints a greeting: the smallest service rules_goimage ships.
package main

import "fmt"

func main() {
	fmt.Println("Hello from rules_goimage!")
}
