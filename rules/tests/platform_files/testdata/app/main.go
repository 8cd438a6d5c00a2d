// Command app is the binary of the two-platform image.
package main

import "fmt"

func main() { fmt.Println("app") }
