package image

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

func TestHealthcheckTest(t *testing.T) {
	for _, tc := range []struct {
		args, want []string
		err        string
	}{
		{[]string{"/app/server", "-health"}, []string{"CMD", "/app/server", "-health"}, ""},
		{[]string{"CMD", "/app/server"}, []string{"CMD", "/app/server"}, ""},
		{[]string{"CMD-SHELL", "curl -f localhost || exit 1"}, []string{"CMD-SHELL", "curl -f localhost || exit 1"}, ""},
		{[]string{"NONE"}, []string{"NONE"}, ""},
		{nil, nil, ""},
		{[]string{"NONE", "x"}, nil, "takes no arguments"},
		{[]string{"CMD-SHELL"}, nil, "takes one shell command"},
		{[]string{"CMD"}, nil, "needs the command"},
	} {
		got, err := HealthcheckTest(tc.args)
		if !cmp.Equal(got, tc.want) || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("HealthcheckTest(%q) = %q, %v; want %q, %q", tc.args, got, err, tc.want, tc.err)
		}
	}
}

func TestStopSignalProblem(t *testing.T) {
	for s, ok := range map[string]bool{
		"SIGTERM": true, "TERM": true, "sigint": true, "9": true, "64": true, "SIGRTMIN": true, "RTMIN+15": true, "SIGRTMAX-14": true,
		"0": false, "65": false, "-1": false, "SIGNOPE": false, "RTMIN+16": false, "RTMAX-15": false, "": false, "1000": false,
	} {
		if problem := stopSignalProblem(s); (problem == "") != ok {
			t.Errorf("stopSignalProblem(%q) = %q, want ok=%v", s, problem, ok)
		}
	}
}

// A healthcheck with StartInterval is written in Docker's form; the image
// stays valid, and an image on it keeps it.
func TestHealthcheckStartInterval(t *testing.T) {
	base, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	h := &Healthcheck{Test: []string{"CMD", "/app/server"}, Interval: time.Second, StartInterval: 2 * time.Second, Retries: 3}
	img, err := Assemble(base, nil, Config{Healthcheck: h, Volumes: []string{"/data/"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := validate.Image(img); err != nil {
		t.Fatal(err)
	}
	raw, _ := img.RawConfigFile()
	want := `"Healthcheck":{"Test":["CMD","/app/server"],"Interval":1000000000,"StartInterval":2000000000,"Retries":3}`
	if !strings.Contains(string(raw), want) || !strings.Contains(string(raw), `"Volumes":{"/data":{}}`) {
		t.Errorf("config lacks %s and the volume:\n%s", want, raw)
	}
	on, err := Assemble(img, nil, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if raw2, _ := on.RawConfigFile(); !strings.Contains(string(raw2), want) {
		t.Errorf("the image built on it lost the healthcheck:\n%s", raw2)
	}
}
