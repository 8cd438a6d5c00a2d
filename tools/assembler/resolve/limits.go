package resolve

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/rules-goimage/rules_goimage/internal/yamlalias"
)

// Limits on the YAML files goimage_resolve reads, which may come from
// anyone (a chart, a vendored manifest). They are far above real
// manifests: a cluster's whole set of CRDs is a few MB in some hundreds of
// documents.
const (
	// MaxBytes bounds the size of one file.
	MaxBytes = 32 << 20
	// MaxDocuments bounds the documents (separated by ---) of one file.
	MaxDocuments = 10000
	// MaxAliasNodes bounds the nodes that following a document's aliases
	// (*name) adds to it. The rewrite does not follow them, but every
	// reader after it (kubectl, Helm, a YAML library) does: a document of a
	// few lines whose aliases nest ("billion laughs") expands to billions
	// of nodes there, so it is refused here, before it is pushed.
	MaxAliasNodes = 1000000
)

// checkDocument refuses a document past the limits, or with a key given
// twice in a mapping.
func checkDocument(file string, doc *yaml.Node) error {
	if err := checkAliases(file, doc); err != nil {
		return err
	}
	return checkKeys(file, doc)
}

// checkKeys refuses a key given twice in one mapping (YAML forbids it, but
// yaml.v3 reads it into a node): readers disagree on which value counts,
// and the rewrite would change both. Merge keys (<<) may repeat.
func checkKeys(file string, n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		lines := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "<<" {
				continue
			}
			if first, ok := lines[k.Value]; ok {
				return fmt.Errorf("%s:%d: key %q is given twice in one mapping (first on line %d), and readers disagree on which value counts; remove one", file, k.Line, k.Value, first)
			}
			lines[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if err := checkKeys(file, c); err != nil {
			return err
		}
	}
	return nil
}

// checkAliases refuses a document whose aliases add more than
// MaxAliasNodes nodes, or that holds an alias to a node around it.
func checkAliases(file string, doc *yaml.Node) error {
	if yamlalias.ExpandsBeyond(doc, MaxAliasNodes) {
		return fmt.Errorf("%s:%d: the document's aliases (*name) expand it by more than %d nodes, or into itself, which the tools that read it after goimage_resolve would follow without end (an alias bomb); write the repeated values out, or remove the aliases", file, doc.Line, MaxAliasNodes)
	}
	return nil
}
