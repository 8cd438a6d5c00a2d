package provenance

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// RevisionKeys are the workspace status keys that name the source
// revision, the first one present wins: the one of a
// --workspace_status_command that prints `git rev-parse HEAD`, and the one
// Bazel's own status command writes.
var RevisionKeys = []string{"STABLE_GIT_COMMIT", "BUILD_SCM_REVISION"}

// gitCommit is a full git commit hash, SHA-1 or SHA-256, as in-toto's
// gitCommit digest holds it.
var gitCommit = regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64})$`)

// sourceRevision is the source the image was built from, by the revision
// the workspace status gives; nil when it gives none.
func sourceRevision(status map[string]string) (*ResourceDescriptor, error) {
	for _, key := range RevisionKeys {
		rev, ok := status[key]
		if !ok {
			continue
		}
		if !gitCommit.MatchString(rev) {
			return nil, fmt.Errorf("workspace status %s is %q, which is not a full git commit hash; make the --workspace_status_command print the output of `git rev-parse HEAD` there", key, rev)
		}
		return &ResourceDescriptor{Name: "source", Digest: map[string]string{"gitCommit": rev}}, nil
	}
	return nil, nil
}

// startedOn is the time a stamped build started, BUILD_TIMESTAMP (Unix
// seconds) in RFC 3339, or "" when the status has none.
func startedOn(status map[string]string) (string, error) {
	v, ok := status["BUILD_TIMESTAMP"]
	if !ok {
		return "", nil
	}
	secs, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return "", fmt.Errorf("workspace status BUILD_TIMESTAMP is %q, which is not a time in seconds since 1970", v)
	}
	return time.Unix(secs, 0).UTC().Format(time.RFC3339), nil
}
