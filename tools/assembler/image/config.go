// Package image makes the image objects of an output: an image (layers
// stacked onto a base, with its configuration), an index over the images of
// several platforms, and artifacts such as an SBOM that refer to an image.
package image

import (
	"fmt"
	"path"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Config holds the settings an image build applies over the base's config.
// Empty fields keep the base's value.
//
// Its JSON form, the file `assembler build --config` reads, names each field
// as go_image's attribute does; go_image writes it. Validate holds every rule
// a value must follow.
type Config struct {
	// Entrypoint and Cmd are null to keep the base's, [] to clear it.
	Entrypoint []string `json:"entrypoint,omitzero"`
	Cmd        []string `json:"cmd,omitzero"`
	// Env entries are KEY=VALUE; a key the base also sets is replaced in
	// place. Values may name the base's variables (ExpandEnv).
	Env        []string          `json:"env,omitempty"`
	WorkingDir string            `json:"workdir,omitempty"`
	User       string            `json:"user,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	// ExposedPorts are PORT[/tcp|/udp|/sctp]; tcp when none is named.
	ExposedPorts []string `json:"exposed_ports,omitempty"`
	// Volumes are absolute paths, added to the base's volumes.
	Volumes    []string `json:"volumes,omitempty"`
	StopSignal string   `json:"stop_signal,omitempty"`
	// Healthcheck replaces the base's when set.
	Healthcheck *Healthcheck `json:"healthcheck,omitempty"`
	// Created is the image creation time; the zero value means the Unix epoch,
	// so outputs stay reproducible.
	Created time.Time `json:"created,omitzero"`
	// Annotations go on the image manifest.
	Annotations map[string]string `json:"annotations,omitempty"`

	// The build sets the rest from the base and the platform.

	// Platform is written into the config when the base's names no os and
	// architecture (a base made with crane append --oci-empty-base), so
	// that the image says what it runs on.
	Platform v1.Platform `json:"-"`
	// BaseName and BaseDigest identify the base image in the standard
	// annotations, unless Annotations sets those itself.
	BaseName   string  `json:"-"`
	BaseDigest v1.Hash `json:"-"`
}

// Standard annotations that name the base image.
const (
	AnnotationBaseName   = "org.opencontainers.image.base.name"
	AnnotationBaseDigest = "org.opencontainers.image.base.digest"
)

func (c Config) annotations() map[string]string {
	out := map[string]string{}
	if c.BaseName != "" {
		out[AnnotationBaseName] = c.BaseName
	}
	if c.BaseDigest.Hex != "" {
		out[AnnotationBaseDigest] = c.BaseDigest.String()
	}
	for k, v := range c.Annotations {
		out[k] = v
	}
	return out
}

func (c Config) apply(cf *v1.ConfigFile) error {
	cfg := &cf.Config
	if err := c.applyProcess(cfg); err != nil {
		return err
	}
	if len(c.Labels) > 0 && cfg.Labels == nil {
		cfg.Labels = map[string]string{}
	}
	for k, v := range c.Labels {
		cfg.Labels[k] = v
	}
	if len(c.ExposedPorts) > 0 && cfg.ExposedPorts == nil {
		cfg.ExposedPorts = map[string]struct{}{}
	}
	for _, p := range c.ExposedPorts {
		cfg.ExposedPorts[normalizePort(p)] = struct{}{}
	}
	if len(c.Volumes) > 0 && cfg.Volumes == nil {
		cfg.Volumes = map[string]struct{}{}
	}
	for _, v := range c.Volumes {
		cfg.Volumes[path.Clean(v)] = struct{}{}
	}
	if c.StopSignal != "" {
		cfg.StopSignal = c.StopSignal
	}
	if c.Healthcheck != nil {
		cfg.Healthcheck = c.Healthcheck.config()
	}
	cf.Created = v1.Time{Time: c.created()}
	if cf.OS == "" && cf.Architecture == "" {
		cf.OS, cf.Architecture, cf.Variant = c.Platform.OS, c.Platform.Architecture, c.Platform.Variant
	}
	return nil
}

// applyProcess sets how the container's process starts.
func (c Config) applyProcess(cfg *v1.Config) error {
	if c.Entrypoint != nil {
		cfg.Entrypoint = c.Entrypoint
		// A new entrypoint makes the base's cmd meaningless, as in Dockerfiles.
		cfg.Cmd = nil
	}
	if c.Cmd != nil {
		cfg.Cmd = c.Cmd
	}
	env, err := mergeEnv(cfg.Env, c.Env)
	if err != nil {
		return err
	}
	cfg.Env = env
	if c.WorkingDir != "" {
		cfg.WorkingDir = c.WorkingDir
	}
	if c.User != "" {
		cfg.User = c.User
	}
	return nil
}

func (c Config) created() time.Time {
	if c.Created.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return c.Created.UTC()
}

// mergeEnv overlays KEY=VALUE pairs on base, keeping base's order and
// appending new keys in the order given. Each value is expanded against
// base (ExpandEnv), as the one ENV instruction of a Dockerfile that set
// them all would: a value sees the base's variables, not the others given.
func mergeEnv(base, over []string) ([]string, error) {
	if len(over) == 0 {
		return base, nil
	}
	out := append([]string(nil), base...)
	index := map[string]int{}
	for i, kv := range out {
		index[envKey(kv)] = i
	}
	for _, kv := range over {
		k, v, _ := strings.Cut(kv, "=")
		v, err := ExpandEnv(v, base)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", k, err)
		}
		kv = k + "=" + v
		if i, ok := index[envKey(kv)]; ok {
			out[i] = kv
			continue
		}
		index[envKey(kv)] = len(out)
		out = append(out, kv)
	}
	return out, nil
}

func envKey(kv string) string {
	k, _, _ := strings.Cut(kv, "=")
	return k
}

// normalizePort turns "8080" into "8080/tcp", the form image configs use.
func normalizePort(p string) string {
	if strings.Contains(p, "/") {
		return p
	}
	return p + "/tcp"
}
