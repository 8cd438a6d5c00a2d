module example.com/hello_e2e

go 1.22
