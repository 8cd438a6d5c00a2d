module example.com/sbome2e/dep

go 1.22

require rsc.io/sampler v1.3.1

require golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect
