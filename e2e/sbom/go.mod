module example.com/sbome2e

go 1.22

require (
	rsc.io/pdf v0.1.0
	rsc.io/qr v0.2.0
)

replace rsc.io/qr => rsc.io/qr v0.1.0
