// Command app links two modules whose linked versions differ from what the
// root go.mod requires: rsc.io/pdf, which minimal version selection over
// dep/go.mod raises, and rsc.io/qr, which a replace directive pins.
package main

import (
	"fmt"

	"rsc.io/pdf"
	"rsc.io/qr"
)

func main() {
	code, err := qr.Encode("rules_goimage", qr.L)
	fmt.Println(code != nil, err)
	_, err = pdf.Open("/nonexistent.pdf")
	fmt.Println(err != nil)
}
