package testenv

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TokenServer is the token service of a registry with bearer-token auth, as
// Docker Hub, GHCR or GCR run one: the registry answers 401 with a
// `Bearer realm=...` challenge, the client asks the realm for a token for the
// scope it needs (with basic credentials, or none), and the registry checks
// the token's signature against the server's certificate.
//
// Anonymous clients get pull access to repositories under "public/";
// clients with User and Password get pull and push access everywhere.
type TokenServer struct {
	Service, Issuer string
	User, Password  string

	key  *rsa.PrivateKey
	cert []byte // DER
}

// NewTokenServer makes a token service with a new self-signed signing certificate.
func NewTokenServer(service, user, password string) (*TokenServer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "goimage test token issuer"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	return &TokenServer{Service: service, Issuer: "goimage-test-issuer", User: user, Password: password, key: key, cert: cert}, nil
}

// RegistryAuth writes the signing certificate to dir/issuer.pem and returns
// the auth section of a docker-registry config.yml that trusts it and sends
// clients for tokens to this service listening on addr (127.0.0.1:port).
// The realm names the host by name: go-containerregistry refuses realms at
// private IP literals, as a registry could point clients at internal
// services.
func (s *TokenServer) RegistryAuth(dir, addr string) (string, error) {
	cert := filepath.Join(dir, "issuer.pem")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.cert}), 0o644); err != nil {
		return "", err
	}
	realm := "http://" + strings.Replace(addr, "127.0.0.1", "localhost", 1) + "/token"
	return fmt.Sprintf("auth:\n  token:\n    realm: %s\n    service: %s\n    issuer: %s\n    rootcertbundle: %s\n",
		realm, s.Service, s.Issuer, cert), nil
}

type access struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// ServeHTTP answers GET /token?service=...&scope=repository:NAME:ACTIONS.
func (s *TokenServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	user, password, hasAuth := r.BasicAuth()
	if hasAuth && (user != s.User || password != s.Password) {
		http.Error(w, `{"details": "wrong user name or password"}`, http.StatusUnauthorized)
		return
	}
	if svc := r.URL.Query().Get("service"); svc != s.Service {
		http.Error(w, fmt.Sprintf("unknown service %q", svc), http.StatusBadRequest)
		return
	}
	var granted []access
	for _, scope := range r.URL.Query()["scope"] {
		if a, ok := s.grant(scope, hasAuth); ok {
			granted = append(granted, a)
		}
	}
	token, err := s.sign(user, granted)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"token": token, "access_token": token, "expires_in": 300})
}

// grant returns what a scope "repository:NAME:pull,push" may have.
func (s *TokenServer) grant(scope string, authenticated bool) (access, bool) {
	parts := strings.Split(scope, ":")
	if len(parts) < 3 || parts[0] != "repository" {
		return access{}, false
	}
	name := strings.Join(parts[1:len(parts)-1], ":")
	var actions []string
	for _, a := range strings.Split(parts[len(parts)-1], ",") {
		if authenticated || (a == "pull" && strings.HasPrefix(name, "public/")) {
			actions = append(actions, a)
		}
	}
	return access{Type: "repository", Name: name, Actions: actions}, len(actions) > 0
}

// sign writes a JWT (RS256) carrying the certificate in its x5c header, which
// is how docker-registry finds the key to check it with.
func (s *TokenServer) sign(subject string, granted []access) (string, error) {
	now := time.Now()
	header := map[string]any{"typ": "JWT", "alg": "RS256", "x5c": []string{base64.StdEncoding.EncodeToString(s.cert)}}
	claims := map[string]any{
		"iss": s.Issuer, "sub": subject, "aud": s.Service,
		"iat": now.Unix(), "nbf": now.Add(-time.Minute).Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"jti":    fmt.Sprint(now.UnixNano()),
		"access": granted,
	}
	var parts []string
	for _, v := range []any{header, claims} {
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		parts = append(parts, base64.RawURLEncoding.EncodeToString(b))
	}
	signed := strings.Join(parts, ".")
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
