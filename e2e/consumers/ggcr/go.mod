module github.com/google/go-containerregistry

go 1.25.0

require github.com/klauspost/compress v1.17.11
