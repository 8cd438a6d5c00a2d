module example.com/sbome2e/dep

go 1.22

require rsc.io/pdf v0.1.1
