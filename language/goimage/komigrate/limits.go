package komigrate

import (
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
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
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("the ko configuration %s is not a regular file (%s), which could block or never end; give the .ko.yaml file", path, fi.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxKoConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the ko configuration: %w", err)
	}
	if len(data) > MaxKoConfigBytes {
		return nil, fmt.Errorf("the ko configuration %s is larger than %d bytes, far more than any .ko.yaml; give the .ko.yaml ko reads", path, MaxKoConfigBytes)
	}
	return data, nil
}

// checkAliases refuses a configuration whose aliases add more than
// MaxAliasNodes nodes, or that holds an alias to a node around it.
func checkAliases(path string, doc *yaml.Node) error {
	limit := countNodes(doc, nil, 1<<62) + MaxAliasNodes
	if countNodes(doc, map[*yaml.Node]int{}, limit) > limit {
		return fmt.Errorf("reading the ko configuration %s: its aliases (*name) expand it by more than %d nodes, or into itself (an alias bomb); write the repeated values out, or remove the aliases", path, MaxAliasNodes)
	}
	return nil
}

// countNodes counts the nodes of n, up to a little past limit; with a
// memo, it follows aliases, counting each node as often as it is reached,
// and a node reached again inside itself counts past the limit.
func countNodes(n *yaml.Node, memo map[*yaml.Node]int, limit int) int {
	if n == nil {
		return 0
	}
	if memo != nil {
		if c, ok := memo[n]; ok {
			return c
		}
		memo[n] = limit + 1 // until counted: an alias back to n is endless
	}
	c := 1
	if n.Kind == yaml.AliasNode && memo != nil {
		c += countNodes(n.Alias, memo, limit)
	}
	for _, child := range n.Content {
		if c > limit {
			break
		}
		c += countNodes(child, memo, limit)
	}
	c = min(c, limit+1)
	if memo != nil {
		memo[n] = c
	}
	return c
}
