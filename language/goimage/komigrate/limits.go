package komigrate

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/rules-goimage/rules_goimage/internal/boundedfile"
	"github.com/rules-goimage/rules_goimage/internal/yamlalias"
)

// Limits on a .ko.yaml, which may be anyone's (a repository being
// migrated). Real ones are a few hundred bytes.
const (
	// MaxKoConfigBytes bounds the file's size.
	MaxKoConfigBytes = 1 << 20
	// MaxAliasNodes bounds the nodes that following the file's aliases
	// (*name) adds to it: decoding a value follows them, so a file of a few
	// lines whose aliases nest ("billion laughs") would decode into billions
	// of values.
	MaxAliasNodes = 100000
)

// readKoFile reads the ko configuration at path, refusing a file larger
// than MaxKoConfigBytes, or not a regular file, before reading it whole.
func readKoFile(path string) ([]byte, error) {
	data, err := boundedfile.Read(path, MaxKoConfigBytes)
	var notRegular *boundedfile.NotRegularError
	switch {
	case errors.As(err, &notRegular):
		return nil, fmt.Errorf("the ko configuration %s %v; give the .ko.yaml file", path, notRegular)
	case errors.Is(err, boundedfile.ErrTooLarge):
		return nil, fmt.Errorf("the ko configuration %s is larger than %d bytes, far more than any .ko.yaml; give the .ko.yaml ko reads", path, MaxKoConfigBytes)
	case err != nil:
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	return data, nil
}

// checkAliases refuses a configuration whose aliases add more than
// MaxAliasNodes nodes, or that holds an alias to a node around it.
func checkAliases(path string, doc *yaml.Node) error {
	if yamlalias.ExpandsBeyond(doc, MaxAliasNodes) {
		return fmt.Errorf("reading the ko configuration %s: its aliases (*name) expand it by more than %d nodes, or into itself (an alias bomb); write the repeated values out, or remove the aliases", path, MaxAliasNodes)
	}
	return nil
}
