package inspect

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// printer writes indented lines and keeps the first write error.
type printer struct {
	w   io.Writer
	err error
	// name is the name the archive records for what is being described.
	name string
}

func (p *printer) nameOr(fallback string) string {
	if p.name != "" {
		return p.name
	}
	return fallback
}

func (p *printer) line(depth int, format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, "%s"+format+"\n", append([]any{strings.Repeat("  ", depth)}, args...)...)
	}
}

func (p *printer) image(img v1.Image, depth int) error {
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return err
	}
	m, err := img.Manifest()
	if err != nil {
		return err
	}
	platform := "platform unknown"
	if pl := cf.Platform(); pl != nil {
		platform = pl.String()
	}
	p.line(depth, "image       %s %s", digest, platform)
	p.config(cf, m.Config.Digest, depth+1)
	p.annotations(m.Annotations, depth+1)
	return p.layers(m, cf, depth+1)
}

func (p *printer) config(cf *v1.ConfigFile, digest v1.Hash, depth int) {
	c := cf.Config
	p.line(depth, "config      %s", digest)
	p.line(depth, "created     %s", cf.Created.UTC().Format("2006-01-02T15:04:05Z"))
	p.line(depth, "entrypoint  %s", jsonList(c.Entrypoint))
	p.line(depth, "cmd         %s", jsonList(c.Cmd))
	p.line(depth, "env         %s", jsonList(c.Env))
	p.line(depth, "workdir     %s", orDash(c.WorkingDir))
	p.line(depth, "user        %s", orDash(c.User))
	p.line(depth, "labels      %s", pairs(c.Labels))
	p.line(depth, "ports       %s", orDash(strings.Join(slices.Sorted(maps.Keys(c.ExposedPorts)), ", ")))
	p.line(depth, "stop signal %s", orDash(c.StopSignal))
}

func (p *printer) annotations(a map[string]string, depth int) {
	if len(a) > 0 {
		p.line(depth, "annotations %s", pairs(a))
	}
}

func (p *printer) layers(m *v1.Manifest, cf *v1.ConfigFile, depth int) error {
	var total int64
	for _, l := range m.Layers {
		total += l.Size
	}
	p.line(depth, "layers      %d, %s", len(m.Layers), humanSize(total))
	history := layerHistory(cf)
	for n, l := range m.Layers {
		line := fmt.Sprintf("%s  %9s  %s", l.Digest, humanSize(l.Size), l.MediaType)
		if n < len(history) && history[n] != "" {
			line += "  " + history[n]
		}
		p.line(depth+1, "%s", line)
	}
	return nil
}

// layerHistory is the created_by line of each layer (history entries that
// made no layer are skipped).
func layerHistory(cf *v1.ConfigFile) []string {
	var out []string
	for _, h := range cf.History {
		if !h.EmptyLayer {
			out = append(out, h.CreatedBy)
		}
	}
	return out
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func jsonList(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func pairs(m map[string]string) string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return orDash(strings.Join(out, ", "))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
