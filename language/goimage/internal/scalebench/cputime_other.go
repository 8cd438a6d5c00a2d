//go:build !unix

package main

import "time"

// processCPUTime is zero outside Unix, where getrusage does not exist: the
// benchmark then reports wall times alone.
func processCPUTime() time.Duration { return 0 }
