// Command tokenserver runs testenv.TokenServer on its own, for tests outside
// Go (e2e/run.sh): the token service of a docker-registry with bearer-token
// auth, as Docker Hub, GHCR and GCR have.
//
//	tokenserver -dir DIR -user USER -password PASSWORD
//
// It listens on a free port of 127.0.0.1, writes DIR/auth.yml (the auth
// section of the registry's config.yml) and DIR/issuer.pem (the certificate
// it signs tokens with, which auth.yml names), prints its address and serves
// until it is killed.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func main() {
	dir := flag.String("dir", "", "where to write auth.yml and issuer.pem")
	user := flag.String("user", "", "the user whose password gets pull and push tokens")
	password := flag.String("password", "", "that user's password")
	flag.Parse()
	if *dir == "" || *user == "" || *password == "" {
		log.Fatal("usage: tokenserver -dir DIR -user USER -password PASSWORD")
	}
	tokens, err := testenv.NewTokenServer("goimage-test-registry", *user, *password)
	if err != nil {
		log.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	auth, err := tokens.RegistryAuth(*dir, l.Addr().String())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "auth.yml"), []byte(auth), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.Addr().String())
	log.Fatal(http.Serve(l, tokens))
}
