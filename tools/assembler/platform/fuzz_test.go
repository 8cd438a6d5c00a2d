package platform

import "testing"

// FuzzLookup: any name is a supported platform or an error saying why.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"linux/amd64", "linux/arm/v7", "windows/amd64", "linux//", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := Lookup(s)
		if err == nil && tg.Image != s {
			t.Errorf("Lookup(%q) gave %q", s, tg.Image)
		}
		if err != nil && err.Error() == "" {
			t.Errorf("Lookup(%q) failed without a message", s)
		}
	})
}
