package provenance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
// the workspace status gives; nil when it gives none, or gives no full
// commit hash ("v1.2-3-gabc" from git describe), which is then only
// recorded as a parameter (revisionParameter): a resolved dependency names
// its source by a digest a verifier can check. A revision git describe
// marked "-dirty", or a BUILD_SCM_STATUS other than Clean, says the tree
// had changes the commit lacks: the dependency says so in an annotation.
func sourceRevision(status map[string]string) *ResourceDescriptor {
	rev, _ := revision(status)
	commit, dirty := strings.CutSuffix(rev, "-dirty")
	if !gitCommit.MatchString(commit) {
		return nil
	}
	d := &ResourceDescriptor{Name: "source", Digest: map[string]string{"gitCommit": commit}}
	if scm, ok := status["BUILD_SCM_STATUS"]; dirty || ok && scm != "Clean" && scm != "" {
		d.Annotations = map[string]string{"modified": "true"}
	}
	return d
}

// revisionParameter is a revision that is no full commit hash, as the
// workspace status gives it; "" otherwise.
func revisionParameter(status map[string]string) string {
	rev, _ := revision(status)
	if sourceRevision(status) != nil {
		return ""
	}
	return rev
}

// revision is the first of RevisionKeys the status has.
func revision(status map[string]string) (string, bool) {
	for _, key := range RevisionKeys {
		if rev, ok := status[key]; ok {
			return rev, true
		}
	}
	return "", false
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
