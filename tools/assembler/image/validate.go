package image

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// ConfigError is a config value that Validate refuses. Field names the
// value as the config's JSON does, which is go_image's attribute, with a
// healthcheck option as healthcheck.<option>; a caller that took the value
// from a flag names the flag instead.
type ConfigError struct {
	Field string
	// Problem says what is wrong with the value, and the fix.
	Problem string
}

func (e *ConfigError) Error() string { return e.Field + " " + e.Problem }

// Validate checks each value as the runtimes that run the image take it,
// so that an image no runtime would start is never written. It returns the
// first *ConfigError.
func (c Config) Validate() error {
	for _, check := range []func() error{c.validateEnv, c.validateWorkingDir, c.validatePorts, c.validateVolumes, c.validateStopSignal} {
		if err := check(); err != nil {
			return err
		}
	}
	for _, m := range []struct {
		field  string
		values map[string]string
	}{{"labels", c.Labels}, {"annotations", c.Annotations}} {
		if _, ok := m.values[""]; ok {
			return &ConfigError{m.field, "has an empty key: give KEY=VALUE"}
		}
	}
	if c.Healthcheck != nil {
		return c.Healthcheck.Validate()
	}
	return nil
}

func (c Config) validateEnv() error {
	for _, kv := range c.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t\n") {
			return &ConfigError{"env", fmt.Sprintf("%q is not KEY=VALUE with a KEY of no spaces, such as MODE=prod", kv)}
		}
		// The syntax of the value's variables does not depend on the base's.
		if _, err := ExpandEnv(v, nil); err != nil {
			return &ConfigError{"env", fmt.Sprintf("%s: %v", k, err)}
		}
	}
	return nil
}

func (c Config) validateWorkingDir() error {
	if c.WorkingDir != "" && !path.IsAbs(c.WorkingDir) {
		return &ConfigError{"workdir", fmt.Sprintf("%q is relative; the working directory of an image is an absolute path, such as /app", c.WorkingDir)}
	}
	return nil
}

// portProtocols are the protocols of an exposed port that Docker and
// containerd take.
var portProtocols = []string{"tcp", "udp", "sctp"}

func (c Config) validatePorts() error {
	for _, p := range c.ExposedPorts {
		number, protocol, named := strings.Cut(p, "/")
		n, err := strconv.Atoi(number)
		if err != nil || n < 1 || n > 65535 || strings.HasPrefix(number, "+") || (named && !slices.Contains(portProtocols, protocol)) {
			return &ConfigError{"exposed_ports", fmt.Sprintf("%q is not PORT[/%s] with a PORT from 1 to 65535, such as 8080/tcp or 53/udp",
				p, strings.Join(portProtocols, "|/"))}
		}
	}
	return nil
}

func (c Config) validateVolumes() error {
	for _, v := range c.Volumes {
		if !path.IsAbs(v) || path.Clean(v) == "/" {
			return &ConfigError{"volumes", fmt.Sprintf("%q is not an absolute path below /, such as /var/lib/app", v)}
		}
	}
	return nil
}

func (c Config) validateStopSignal() error {
	if c.StopSignal == "" {
		return nil
	}
	if problem := stopSignalProblem(c.StopSignal); problem != "" {
		return &ConfigError{"stop_signal", problem}
	}
	return nil
}

// ReadConfig reads a Config in its JSON form, refusing fields it does not
// know, so that a misspelt one is not ignored. It does not validate it.
func ReadConfig(data []byte) (Config, error) {
	var c Config
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return Config{}, err
	}
	return c, nil
}
