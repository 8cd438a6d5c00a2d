package base

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

const zeroDigest = "@sha256:0000000000000000000000000000000000000000000000000000000000000000"

// TestUnreachableRegistries imports a base from registries that cannot
// serve it for four reasons a user fixes differently: nothing listens at
// the address, the name is not found, the TLS certificate is not trusted,
// the registry wants credentials. Each message says which, in Go and in
// what the assembler prints, which goimage.pull's failure repeats.
func TestUnreachableRegistries(t *testing.T) {
	assembler := testenv.Assembler(t)
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	for _, c := range []struct {
		name string
		host func(t *testing.T) string
		want []string
	}{
		{"connection refused", closedPort, []string{"is unreachable: nothing accepts connections at that address", "connection refused"}},
		{"DNS", func(*testing.T) string { return "registry.goimage-test.invalid" },
			[]string{"registry.goimage-test.invalid could not be resolved (DNS)"}},
		{"TLS", untrustedTLS, []string{"the TLS connection to the registry", "certificate", "SSL_CERT_FILE"}},
		{"credentials", func(t *testing.T) string { return testenv.StartRegistry(t, true).Host },
			[]string{"wants credentials it was not given", "docker login"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			host := c.host(t)
			spec := host + "/team/base" + zeroDigest
			_, err := Import(context.Background(), spec, nil, filepath.Join(t.TempDir(), "layout"), WithWorkDir(t.TempDir()))
			wantError(t, err, append([]string{spec}, c.want...)...)
			// goimage.pull fails with what the assembler prints, its
			// "assembler: " prefix removed: one line, this message.
			cmd := exec.Command(assembler, "import", "--base", spec, "--layout", filepath.Join(t.TempDir(), "layout"))
			out, runErr := cmd.CombinedOutput()
			if got, want := strings.TrimSpace(string(out)), "assembler: "+err.Error(); runErr == nil || got != want {
				t.Errorf("assembler import printed (%v):\n%s\nwant:\n%s", runErr, got, want)
			}
		})
	}
}

// closedPort is an address of 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// untrustedTLS serves HTTPS with a certificate no system trusts.
func untrustedTLS(t *testing.T) string {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}
