package release

import (
	"encoding/json"
	"strings"
)

// The refs file tells the deploy step what a release pushed. Its JSON form
// lists every target, pushed or not:
//
//	{"images": [
//	  {"label": "//app:image", "repository": "registry.example.com/app",
//	   "tags": ["v1"], "pushed": true,
//	   "reference": "registry.example.com/app@sha256:...", "digest": "sha256:..."},
//	  {"label": "//worker:image", "repository": "registry.example.com/worker",
//	   "pushed": false, "error": "..."}
//	]}
//
// Its text form has a line per pushed target, "LABEL REFERENCE", which a
// shell loop reads with `while read label ref`.

// RefsEntry is one target in the JSON refs file.
type RefsEntry struct {
	Label      string   `json:"label"`
	Repository string   `json:"repository"`
	Tags       []string `json:"tags,omitempty"`
	Pushed     bool     `json:"pushed"`
	Reference  string   `json:"reference,omitempty"`
	Digest     string   `json:"digest,omitempty"`
	Error      string   `json:"error,omitempty"`
}

// Refs is the JSON refs file.
type Refs struct {
	Images []RefsEntry `json:"images"`
}

// RefsJSON renders results as the JSON refs file.
func RefsJSON(results []Result) []byte {
	refs := Refs{Images: []RefsEntry{}}
	for _, r := range results {
		e := RefsEntry{Label: r.Target.Label, Repository: r.Target.Repository, Tags: r.Target.Tags, Pushed: r.Pushed()}
		if r.Err != nil {
			e.Error = r.Err.Error()
		} else {
			e.Reference = r.Reference
			_, e.Digest, _ = strings.Cut(r.Reference, "@")
		}
		refs.Images = append(refs.Images, e)
	}
	b, _ := json.MarshalIndent(refs, "", "  ") // plain strings and bools cannot fail
	return append(b, '\n')
}

// RefsText renders the pushed results as lines "LABEL REFERENCE".
func RefsText(results []Result) []byte {
	var b strings.Builder
	for _, r := range results {
		if r.Pushed() {
			b.WriteString(r.Target.Label + " " + r.Reference + "\n")
		}
	}
	return []byte(b.String())
}
