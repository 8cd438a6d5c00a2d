// Command app links two modules whose linked versions differ from what the
// root go.mod requires: rsc.io/sampler, which minimal version selection over
// dep/go.mod raises, and rsc.io/quote, which a replace directive pins.
package main

import (
	"fmt"

	"rsc.io/quote"
	"rsc.io/sampler"
)

func main() {
	fmt.Println(quote.Hello())
	fmt.Println(sampler.Glass())
}
