// Command validate checks in-toto statements with SLSA Provenance v1
// predicates against the in-toto project's own Go bindings of the specs
// (github.com/in-toto/attestation): every field must be one the specs name
// (an unknown field is an error), and the statement and the predicate must
// pass the bindings' validation. It is a module of its own so that the
// project's go.mod does not depend on the bindings; provenance's tests run it.
//
//	go run . STATEMENT.json...
package main

import (
	"fmt"
	"os"

	prov "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

func main() {
	for _, path := range os.Args[1:] {
		if err := validate(path); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
			os.Exit(1)
		}
	}
}

func validate(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var s intoto.Statement
	if err := protojson.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("not an in-toto Statement v1: %w", err)
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("invalid statement: %w", err)
	}
	if s.GetPredicateType() != "https://slsa.dev/provenance/v1" {
		return fmt.Errorf("predicateType %q is not SLSA Provenance v1", s.GetPredicateType())
	}
	raw, err := protojson.Marshal(s.GetPredicate())
	if err != nil {
		return err
	}
	var p prov.Provenance
	if err := protojson.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("not an SLSA Provenance v1 predicate: %w", err)
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("invalid provenance: %w", err)
	}
	return nil
}
