// Package lib is shared by the thirty services; bench/run.sh edits it to
// rebuild them all.
package lib

// Greeting is what each service prints, with its name.
func Greeting(name string) string { return "hello from " + name + ", " + version }
