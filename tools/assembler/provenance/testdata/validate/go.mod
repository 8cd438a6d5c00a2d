module github.com/rules-goimage/rules_goimage/tools/assembler/provenance/testdata/validate

go 1.23

require (
	github.com/in-toto/attestation v1.2.0
	google.golang.org/protobuf v1.36.11
)
