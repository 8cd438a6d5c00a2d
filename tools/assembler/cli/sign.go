package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rules-goimage/rules_goimage/tools/assembler/sign"
)

// signFlags choose how push signs: a key file, with or without its
// certificate, or an external command.
type signFlags struct {
	key, passwordFile, command string
	certificate, chain         string
	timeout                    time.Duration
}

func (f *signFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.key, "sign-key", "", "sign the pushed image, its platform images and its attached statements with this private key file, as cosign does: cosign's encrypted cosign.key (password from $COSIGN_PASSWORD or --sign-key-password-file) or a PEM PKCS#8, SEC1 EC or PKCS#1 RSA key")
	fs.StringVar(&f.passwordFile, "sign-key-password-file", "", "a file whose first line is the password of an encrypted --sign-key (default: $COSIGN_PASSWORD)")
	fs.StringVar(&f.certificate, "sign-certificate", "", "the PEM certificate a CA issued for --sign-key, stored with each signature so that cosign verifies by identity (--certificate-identity, --certificate-oidc-issuer)")
	fs.StringVar(&f.chain, "sign-certificate-chain", "", "the PEM certificates from the issuer of --sign-certificate up to the root, stored with each signature")
	fs.StringVar(&f.command, "signer-command", "", "sign by running this shell command instead of with a key: it reads the payload on stdin and prints its base64 signature, or a JSON object with the signature, certificate and chain, on stdout (see docs/assembler.md, Signing)")
	fs.DurationVar(&f.timeout, "signer-timeout", sign.DefaultCommandTimeout, "how long --signer-command may take to sign one payload before it, and every process it started, is stopped and the push fails, e.g. 30s or 5m")
}

// check reports flag combinations that cannot work.
func (f *signFlags) check() string {
	switch {
	case f.key != "" && f.command != "":
		return "--sign-key and --signer-command are two ways to sign; give one"
	case f.passwordFile != "" && f.key == "":
		return "--sign-key-password-file is the password of a --sign-key; give the key too"
	case f.certificate != "" && f.key == "":
		return "--sign-certificate is the certificate of a --sign-key; give the key too (a --signer-command prints its certificate itself)"
	case f.chain != "" && f.certificate == "":
		return "--sign-certificate-chain is the chain of a --sign-certificate; give the certificate too"
	case f.timeout <= 0:
		return fmt.Sprintf("--signer-timeout %s is not a time a signer can take; give a positive duration such as 2m", f.timeout)
	}
	return ""
}

// signer is the signer the flags choose; nil when pushing unsigned.
func (f *signFlags) signer(stderr io.Writer) (sign.Signer, error) {
	switch {
	case f.command != "":
		return sign.Command(f.command, stderr, f.timeout), nil
	case f.key == "":
		return nil, nil
	}
	s, err := sign.LoadKey(fromWorkingDir(f.key), f.password)
	if err != nil {
		return nil, fmt.Errorf("--sign-key: %w", err)
	}
	if f.certificate == "" {
		return s, nil
	}
	s, err = sign.Certify(s, fromWorkingDir(f.certificate), fromWorkingDir(f.chain))
	if err != nil {
		return nil, fmt.Errorf("--sign-certificate: %w", err)
	}
	return s, nil
}

// password is the password of an encrypted key: the first line of
// --sign-key-password-file, else $COSIGN_PASSWORD, which cosign reads too.
func (f *signFlags) password() ([]byte, error) {
	if f.passwordFile != "" {
		data, err := os.ReadFile(fromWorkingDir(f.passwordFile))
		if err != nil {
			return nil, fmt.Errorf("reading --sign-key-password-file: %w", err)
		}
		line, _, _ := strings.Cut(string(data), "\n")
		return []byte(strings.TrimSuffix(line, "\r")), nil
	}
	if p, ok := os.LookupEnv("COSIGN_PASSWORD"); ok {
		return []byte(p), nil
	}
	return nil, fmt.Errorf("no password was given: set COSIGN_PASSWORD or pass --sign-key-password-file")
}
