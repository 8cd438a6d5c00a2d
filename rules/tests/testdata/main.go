package main

import "fmt"

func main() { fmt.Println("analysis test fixture") }
