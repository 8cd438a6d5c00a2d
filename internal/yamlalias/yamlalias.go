// Package yamlalias tells whether following a YAML document's aliases
// (*name) would expand it without bound: a file of a few lines whose
// aliases nest ("billion laughs") decodes into billions of values, and an
// alias to a node around it never ends. Readers of YAML from others
// (goimage_resolve's manifests, a .ko.yaml) check it before going on.
package yamlalias

import "gopkg.in/yaml.v3"

// ExpandsBeyond reports whether following doc's aliases adds more than
// extra nodes to it, or reaches a node inside itself. It counts, without
// building the expansion, and stops a little past the limit.
func ExpandsBeyond(doc *yaml.Node, extra int) bool {
	limit := countNodes(doc, nil, 1<<62) + extra
	return countNodes(doc, map[*yaml.Node]int{}, limit) > limit
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
