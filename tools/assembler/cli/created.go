package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/stamp"
)

const createdUsage = "the image's creation time, in its config and history: an RFC 3339 time such as 2024-05-01T12:00:00Z, " +
	"or a Unix time in seconds, which is what the workspace status key {BUILD_TIMESTAMP} holds in a stamped build; " +
	"a value with a {KEY} placeholder left in it (a build that did not stamp) keeps the default (default: --source-date-epoch)"

// parseCreated reads --created. A value that still holds a workspace
// status placeholder comes from a build that did not stamp: it gives the
// zero time, which keeps the reproducible default.
func parseCreated(v string) (time.Time, error) {
	if v == "" || stamp.HasPlaceholder(v) {
		return time.Time{}, nil
	}
	if sec, err := strconv.ParseInt(v, 10, 64); err == nil && sec >= 0 {
		return time.Unix(sec, 0).UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--created %q is not a time: give an RFC 3339 time such as 2024-05-01T12:00:00Z, "+
			"a Unix time in seconds such as 1714564800, or {BUILD_TIMESTAMP} (stamped builds: the build's time)", v)
	}
	return t.UTC(), nil
}
