package main

import (
	"github.com/rules-goimage/rules_goimage/tools/assembler/check"
	"github.com/rules-goimage/rules_goimage/tools/assembler/platform"
)

// Files returns each generated file's content by its path from the
// repository root; it must run there.
func Files() (map[string]string, error) {
	mods, err := assemblerModules()
	if err != nil {
		return nil, err
	}
	return map[string]string{
		platform.StarlarkFile: platform.Starlark(),
		check.StarlarkFile:    check.Starlark(),
		modulesFile:           modulesStarlark(mods),
		reposConfigFile:       reposConfig(mods),
	}, nil
}
