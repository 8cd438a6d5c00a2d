package image

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Healthcheck is how the runtime tells that the container is healthy:
// Docker's HEALTHCHECK. It replaces the base's as a whole; a zero option
// means the runtime's default.
type Healthcheck struct {
	// Test is ["CMD", args...], ["CMD-SHELL", command], or ["NONE"],
	// which turns off the base's healthcheck.
	Test                                          []string
	Interval, Timeout, StartPeriod, StartInterval time.Duration
	Retries                                       int
}

// minHealthDuration is the shortest duration Docker takes for an option;
// zero means its default.
const minHealthDuration = time.Millisecond

// HealthcheckTest turns --healthcheck-cmd arguments into a Test: a command
// and its arguments run as they are (["CMD", args...]), unless the first is
// CMD, CMD-SHELL (then one shell command follows) or NONE (alone), which
// Docker's healthcheck takes as its form.
func HealthcheckTest(args []string) ([]string, error) {
	if len(args) == 0 {
		return nil, nil
	}
	switch args[0] {
	case "NONE":
		if len(args) > 1 {
			return nil, fmt.Errorf("NONE turns the healthcheck off and takes no arguments, but %q follow it", args[1:])
		}
	case "CMD-SHELL":
		if len(args) != 2 {
			return nil, fmt.Errorf("CMD-SHELL takes one shell command, such as \"curl -f http://localhost/ || exit 1\", but %d arguments follow it", len(args)-1)
		}
	case "CMD":
		if len(args) == 1 {
			return nil, fmt.Errorf("CMD needs the command to run after it")
		}
	default:
		return append([]string{"CMD"}, args...), nil
	}
	return args, nil
}

// Validate checks the options as Docker does: each duration is zero (the
// default) or at least a millisecond, retries are not negative, and NONE
// takes no option.
func (h *Healthcheck) Validate() error {
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{{"interval", h.Interval}, {"timeout", h.Timeout}, {"start-period", h.StartPeriod}, {"start-interval", h.StartInterval}} {
		if d.value != 0 && d.value < minHealthDuration {
			return fmt.Errorf("--healthcheck-%s %s is less than %s; give 0 for the default, or a duration such as 30s", d.flag, d.value, minHealthDuration)
		}
	}
	if h.Retries < 0 {
		return fmt.Errorf("--healthcheck-retries %d is negative; give 0 for the default, or a count such as 3", h.Retries)
	}
	options := h.Interval != 0 || h.Timeout != 0 || h.StartPeriod != 0 || h.StartInterval != 0 || h.Retries != 0
	if len(h.Test) == 1 && h.Test[0] == "NONE" && options {
		return fmt.Errorf("--healthcheck-cmd NONE turns the healthcheck off and takes no other --healthcheck flag")
	}
	return nil
}

// config is the healthcheck in go-containerregistry's form, which lacks
// StartInterval.
func (h *Healthcheck) config() *v1.HealthConfig {
	return &v1.HealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod, Retries: h.Retries}
}

// dockerHealthConfig is Docker's HealthConfig (API 1.44), field for field
// and in its order, with StartInterval.
type dockerHealthConfig struct {
	Test          []string      `json:",omitempty"`
	Interval      time.Duration `json:",omitempty"`
	Timeout       time.Duration `json:",omitempty"`
	StartPeriod   time.Duration `json:",omitempty"`
	StartInterval time.Duration `json:",omitempty"`
	Retries       int           `json:",omitempty"`
}

// withStartInterval writes the config file's healthcheck again in Docker's
// form when it sets StartInterval, which go-containerregistry's would drop.
// The healthcheck's JSON is found by its key: quotes within strings are
// escaped, so the key matches nothing else.
func (h *Healthcheck) withStartInterval(config []byte, cf *v1.ConfigFile) ([]byte, error) {
	if h == nil || h.StartInterval == 0 || cf.Config.Healthcheck == nil {
		return config, nil
	}
	old, err := json.Marshal(cf.Config.Healthcheck)
	if err != nil {
		return nil, err
	}
	docker, err := json.Marshal(dockerHealthConfig{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout,
		StartPeriod: h.StartPeriod, StartInterval: h.StartInterval, Retries: h.Retries})
	if err != nil {
		return nil, err
	}
	key := []byte(`"Healthcheck":`)
	return bytes.Replace(config, append(key, old...), append(key, docker...), 1), nil
}

// baseHealthcheck reads the healthcheck of the base's config as Docker
// wrote it, StartInterval included; nil when it has none.
func baseHealthcheck(raw []byte) *Healthcheck {
	var cf struct {
		Config struct {
			Healthcheck *dockerHealthConfig `json:"Healthcheck"`
		} `json:"config"`
	}
	if json.Unmarshal(raw, &cf) != nil || cf.Config.Healthcheck == nil {
		return nil
	}
	h := cf.Config.Healthcheck
	return &Healthcheck{Test: h.Test, Interval: h.Interval, Timeout: h.Timeout, StartPeriod: h.StartPeriod,
		StartInterval: h.StartInterval, Retries: h.Retries}
}
