// Command hello_e2e greets from the platform it runs on, and says which user
// the image runs it as, which the base's /etc/passwd names.
package main

import (
	"fmt"
	"os"
	"os/user"
	"runtime"
	"strconv"
)

func main() {
	name := "an unnamed user"
	if u, err := user.LookupId(strconv.Itoa(os.Getuid())); err == nil {
		name = u.Username
	}
	fmt.Printf("Hello from the e2e workspace on %s/%s, as %s!\n", runtime.GOOS, runtime.GOARCH, name)
}
