// Command registry runs the registry of the Go tests on its own, for the
// scripts (e2e/, bench/; see tools/testlib.sh): Debian's docker-registry on
// a free port of 127.0.0.1, through testenv.LaunchRegistry.
//
//	registry -dir DIR [-auth none|htpasswd|token -user USER -password PASSWORD] [-slow BYTES_PER_SECOND]
//
// With -auth htpasswd it asks for USER's PASSWORD. With -auth token it sends
// clients for bearer tokens to a testenv.TokenServer served by this command,
// as Docker Hub, GHCR and GCR do: anonymous pulls of public/..., pulls and
// pushes of everything with USER's PASSWORD.
//
// With -slow the address is that of a testenv.FaultProxy in front of the
// registry, which limits every request and answer body to that rate, as a
// slow link does (bench/release.sh).
//
// DIR holds the registry's config.yml, storage, log and, for token auth, the
// certificate tokens are signed with (issuer.pem). Once the registry
// answers, the command writes its host:port to DIR/address and prints it;
// it serves until it gets SIGTERM or SIGINT, then stops the registry.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "registry:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("registry", flag.ContinueOnError)
	dir := flags.String("dir", "", "the registry's folder: config, storage, log and the address file")
	auth := flags.String("auth", "none", "none, htpasswd or token")
	user := flags.String("user", "", "the user the registry knows (htpasswd and token auth)")
	password := flags.String("password", "", "that user's password")
	slow := flags.Int64("slow", 0, "serve through a proxy that limits every body to this many bytes per second")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *dir == "" || (*auth != "none" && (*user == "" || *password == "")) {
		return errors.New("usage: registry -dir DIR [-auth htpasswd|token -user USER -password PASSWORD]")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	section, err := authSection(*auth, *dir, *user, *password)
	if err != nil {
		return err
	}
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		return fmt.Errorf("%w (apt-get install docker-registry)", err)
	}
	p, err := testenv.LaunchRegistry(bin, *dir, section)
	if err != nil {
		return err
	}
	defer p.Stop()
	host := p.Host
	if *slow > 0 {
		if host, err = serveSlowly(p.Host, *slow); err != nil {
			return err
		}
	}
	if err := writeAtomically(filepath.Join(*dir, "address"), host+"\n"); err != nil {
		return err
	}
	fmt.Println(host)
	<-ctx.Done()
	return nil
}

// serveSlowly serves the registry at host through a fault proxy limited to
// rate bytes per second, and returns the proxy's host:port.
func serveSlowly(host string, rate int64) (string, error) {
	proxy := testenv.NewFaultProxy(host)
	proxy.Slow(rate)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go http.Serve(l, proxy)
	return l.Addr().String(), nil
}

// authSection returns the auth section of the registry's config for kind,
// starting the token service for kind token.
func authSection(kind, dir, user, password string) (string, error) {
	switch kind {
	case "none":
		return "", nil
	case "htpasswd":
		htpasswd, err := exec.LookPath("htpasswd")
		if err != nil {
			return "", fmt.Errorf("%w (apt-get install apache2-utils)", err)
		}
		return testenv.HtpasswdAuth(htpasswd, dir, user, password)
	case "token":
		tokens, err := testenv.NewTokenServer("goimage-test-registry", user, password)
		if err != nil {
			return "", err
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		go http.Serve(l, tokens)
		return tokens.RegistryAuth(dir, l.Addr().String())
	}
	return "", fmt.Errorf("-auth %q: want none, htpasswd or token", kind)
}

// writeAtomically writes content to path through a rename, so that a script
// waiting for path never reads half of it.
func writeAtomically(path, content string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
