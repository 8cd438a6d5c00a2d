// Command site prints the files an image gives it: the page from kodata/ and
// the settings of its own layer.
package main

import (
	"fmt"
	"os"
)

func main() {
	for _, path := range []string{"/var/www/index.html", "/etc/site/settings.conf"} {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "site:", err)
			os.Exit(1)
		}
		fmt.Printf("%s: %s", path, b)
	}
}
