package cli

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"strings"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
)

const configFileUsage = "a JSON file of the image config, as go_image writes it: entrypoint, cmd, env (KEY=VALUE list), workdir, user, " +
	"labels, annotations, exposed_ports, volumes, stop_signal, healthcheck ({\"test\": [...], \"interval\": \"30s\", ...}), created; " +
	"the config flags given too replace its entrypoint, cmd, workdir, user, stop_signal, created and healthcheck, " +
	"and add to its env, labels, annotations, exposed_ports and volumes"

func registerConfigFile(fs *flag.FlagSet, file *string) {
	fs.StringVar(file, "config", "", configFileUsage)
}

// imageConfig is the config the build applies: the --config file's, with
// the config flags over it. Each is validated on its own, so that an error
// names the flag or the file's field the value came from.
func (f *buildFlags) imageConfig() (image.Config, error) {
	var fromFile image.Config
	if f.configFile != "" {
		data, err := os.ReadFile(f.configFile)
		if err != nil {
			return image.Config{}, fmt.Errorf("--config: %w", err)
		}
		if fromFile, err = image.ReadConfig(data); err == nil {
			err = fromFile.Validate()
		}
		if err != nil {
			return image.Config{}, fmt.Errorf("--config %s: %w", f.configFile, err)
		}
	}
	fromFlags, err := f.flagConfig()
	if err == nil {
		err = fromFlags.Validate()
	}
	if err != nil {
		return image.Config{}, asFlagError(err)
	}
	return overlayConfig(fromFile, fromFlags), nil
}

// flagConfig is the config the config flags give.
func (f *buildFlags) flagConfig() (image.Config, error) {
	cfg := image.Config{
		Env: f.env, WorkingDir: f.workdir, User: f.user, Labels: f.labels, Annotations: f.annotations,
		ExposedPorts: f.expose, Volumes: f.volumes, StopSignal: f.stopSignal, Created: f.createdAt,
	}
	if f.entrypointSet {
		cfg.Entrypoint = nonEmpty(f.entrypoint)
	}
	if f.cmdSet {
		cfg.Cmd = nonEmpty(f.cmd)
	}
	test, err := image.HealthcheckTest(f.healthCmd)
	if err != nil {
		return image.Config{}, fmt.Errorf("--healthcheck-cmd: %w", err)
	}
	if test != nil || f.healthOptionSet {
		health := f.health
		health.Test = test
		cfg.Healthcheck = &health
	}
	return cfg, nil
}

// overlayConfig puts the values of over onto base: a list of arguments,
// a single value or a healthcheck replaces base's, other lists and maps add
// to them (an env key given again takes the later value).
func overlayConfig(base, over image.Config) image.Config {
	out := base
	if over.Entrypoint != nil {
		out.Entrypoint = over.Entrypoint
	}
	if over.Cmd != nil {
		out.Cmd = over.Cmd
	}
	for _, s := range []struct{ to, from *string }{{&out.WorkingDir, &over.WorkingDir}, {&out.User, &over.User}, {&out.StopSignal, &over.StopSignal}} {
		if *s.from != "" {
			*s.to = *s.from
		}
	}
	if !over.Created.IsZero() {
		out.Created = over.Created
	}
	if over.Healthcheck != nil {
		out.Healthcheck = over.Healthcheck
	}
	out.Env = append(append([]string(nil), base.Env...), over.Env...)
	out.ExposedPorts = append(append([]string(nil), base.ExposedPorts...), over.ExposedPorts...)
	out.Volumes = append(append([]string(nil), base.Volumes...), over.Volumes...)
	out.Labels = mergeMaps(base.Labels, over.Labels)
	out.Annotations = mergeMaps(base.Annotations, over.Annotations)
	return out
}

func mergeMaps(base, over map[string]string) map[string]string {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, over)
	return out
}

// configFlags are the flags of the config's fields, by the field's name in
// an image.ConfigError.
var configFlags = map[string]string{
	"env": "--env", "workdir": "--workdir", "user": "--user", "labels": "--label", "annotations": "--annotation",
	"exposed_ports": "--expose", "volumes": "--volume", "stop_signal": "--stop-signal", "healthcheck": "--healthcheck-cmd",
}

// asFlagError names the flag of a config value the flags gave.
func asFlagError(err error) error {
	var ce *image.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	flag, ok := configFlags[ce.Field]
	if option, isOption := strings.CutPrefix(ce.Field, "healthcheck."); isOption {
		flag, ok = "--healthcheck-"+strings.ReplaceAll(option, "_", "-"), true
	}
	if !ok {
		return err
	}
	return fmt.Errorf("%s %s", flag, ce.Problem)
}
