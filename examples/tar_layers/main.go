// Command motd prints the files that the image's tar layers hold.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, path := range []string{"/etc/motd", "/etc/app/build-info.txt"} {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "motd:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %s", path, b)
	}
}
