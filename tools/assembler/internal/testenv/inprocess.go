package testenv

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
)

// startInProcessRegistry serves go-containerregistry's registry on
// 127.0.0.1 for one test. With auth, it asks for HTTP basic credentials as
// docker-registry's htpasswd auth does: a 401 with a Basic challenge, then
// the request again with the user's password.
func startInProcessRegistry(t testing.TB, auth bool) *Registry {
	t.Helper()
	var h http.Handler = ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	r := &Registry{}
	if auth {
		r.User, r.Password = registryUser, registryPassword
		h = basicAuth(h, r.User, r.Password)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	r.Host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

func basicAuth(next http.Handler, user, password string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
