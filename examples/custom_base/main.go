// Command whoami prints the user it runs as, by the name the image's
// /etc/passwd gives it: that file comes from the custom base, not from Go.
package main

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
)

func main() {
	u, err := user.LookupId(strconv.Itoa(os.Getuid()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "whoami:", err)
		os.Exit(1)
	}
	fmt.Printf("Hello from %s (uid %s) on the custom base!\n", u.Username, u.Uid)
}
