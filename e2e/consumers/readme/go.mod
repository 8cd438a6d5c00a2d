module example.com/consumer

go 1.25.0

// Older than the klauspost/compress the assembler is built with: the
// version this module links must stay this one.
require github.com/klauspost/compress v1.17.11
