package image

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// Validate checks the healthcheck as Docker does: a test in one of its
// forms, each duration zero (the default) or at least a millisecond,
// retries not negative, and no option with NONE.
func (h *Healthcheck) Validate() error {
	test, err := HealthcheckTest(h.Test)
	switch {
	case len(h.Test) == 0:
		return &ConfigError{"healthcheck", "is missing, and the healthcheck's options need it: give the command they time (a healthcheck replaces the base's whole)"}
	case err != nil:
		return &ConfigError{"healthcheck", err.Error()}
	case !slices.Equal(test, h.Test):
		return &ConfigError{"healthcheck", fmt.Sprintf("%q does not start with its form: CMD, CMD-SHELL or NONE", h.Test)}
	}
	for _, d := range h.durations() {
		if *d.value != 0 && *d.value < minHealthDuration {
			return &ConfigError{"healthcheck." + d.option, fmt.Sprintf("%s is less than %s; give 0 for the default, or a duration such as 30s", *d.value, minHealthDuration)}
		}
	}
	if h.Retries < 0 {
		return &ConfigError{"healthcheck.retries", fmt.Sprintf("%d is negative; give 0 for the default, or a count such as 3", h.Retries)}
	}
	options := h.Interval != 0 || h.Timeout != 0 || h.StartPeriod != 0 || h.StartInterval != 0 || h.Retries != 0
	if h.Test[0] == "NONE" && options {
		return &ConfigError{"healthcheck", "NONE turns the healthcheck off and takes no options"}
	}
	return nil
}

// HealthcheckOptions are the timing options of a healthcheck, as its JSON
// form and go_image's healthcheck_options name them; each is the flag
// --healthcheck-<option> of `assembler build`, with "-" for "_".
var HealthcheckOptions = []string{"interval", "timeout", "start_period", "start_interval", "retries"}

type healthDuration struct {
	option string
	value  *time.Duration
}

func (h *Healthcheck) durations() []healthDuration {
	return []healthDuration{{"interval", &h.Interval}, {"timeout", &h.Timeout}, {"start_period", &h.StartPeriod}, {"start_interval", &h.StartInterval}}
}

// MarshalJSON writes the healthcheck as go_image gives it: the test, and
// the options that are set, as strings (durations such as "30s").
func (h *Healthcheck) MarshalJSON() ([]byte, error) {
	out := map[string]any{"test": h.Test}
	for _, d := range h.durations() {
		if *d.value != 0 {
			out[d.option] = d.value.String()
		}
	}
	if h.Retries != 0 {
		out["retries"] = strconv.Itoa(h.Retries)
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the form MarshalJSON writes. The test may be as
// Docker's HEALTHCHECK takes it (HealthcheckTest); it is kept in the form
// the image config holds.
func (h *Healthcheck) UnmarshalJSON(data []byte) error {
	var options map[string]json.RawMessage
	if err := json.Unmarshal(data, &options); err != nil {
		return err
	}
	var read Healthcheck
	for name, raw := range options {
		if err := read.setOption(name, raw); err != nil {
			return err
		}
	}
	test, err := HealthcheckTest(read.Test)
	if err != nil {
		return &ConfigError{"healthcheck", err.Error()}
	}
	read.Test = test
	*h = read
	return nil
}

func (h *Healthcheck) setOption(name string, raw json.RawMessage) error {
	if name == "test" {
		return json.Unmarshal(raw, &h.Test)
	}
	var value string
	if err := json.Unmarshal(raw, &value); err != nil {
		return &ConfigError{"healthcheck." + name, fmt.Sprintf("is %s, not a string such as \"30s\" or \"3\"", raw)}
	}
	if name == "retries" {
		n, err := strconv.Atoi(value)
		if err != nil {
			return &ConfigError{"healthcheck.retries", fmt.Sprintf("%q is not a count, such as 3", value)}
		}
		h.Retries = n
		return nil
	}
	for _, d := range h.durations() {
		if d.option == name {
			v, err := time.ParseDuration(value)
			if err != nil {
				return &ConfigError{"healthcheck." + name, fmt.Sprintf("%q is not a duration, such as 30s or 1m30s", value)}
			}
			*d.value = v
			return nil
		}
	}
	return &ConfigError{"healthcheck", fmt.Sprintf("has no option %q; the options are %s", name, strings.Join(HealthcheckOptions, ", "))}
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
