package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os/exec"
)

// Command returns a signer that runs an external program, for keys that
// never leave a KMS, a hardware token or a keyless flow. The contract:
//   - command is run by /bin/sh -c, with the assembler's environment;
//   - it reads the bytes to sign on stdin: a simple signing payload, or a
//     DSSE pre-authentication encoding of a statement;
//   - it prints the signature, base64 (standard alphabet), on stdout; the
//     signature is what cosign's verifier for the public key checks:
//     ECDSA ASN.1 or RSA PKCS#1 v1.5 over the SHA-256 of the input, or
//     Ed25519 over the input;
//   - it exits 0; its stderr goes to stderr.
//
// The command line is not repeated in errors, since it may carry a token.
func Command(command string, stderr io.Writer) Signer {
	return &commandSigner{command: command, stderr: stderr}
}

type commandSigner struct {
	command string
	stderr  io.Writer
}

// maxSignature bounds what a signer command may print: signatures are at
// most a few kilobytes.
const maxSignature = 64 << 10

func (c *commandSigner) Sign(ctx context.Context, payload []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.command)
	cmd.Stdin = bytes.NewReader(payload)
	var out bytes.Buffer
	cmd.Stdout = &limitedWriter{w: &out, left: maxSignature}
	cmd.Stderr = c.stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("the signer command failed (%v); it must read the payload on stdin, print its base64 signature on stdout and exit 0", err)
	}
	sig, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(out.Bytes())))
	if err != nil || len(sig) == 0 {
		return nil, fmt.Errorf("the signer command printed no base64 signature on stdout (%d bytes printed)", out.Len())
	}
	return sig, nil
}

// Signed is false: the command's public key is not known here, so only a
// byte-identical earlier signature counts as already there.
func (c *commandSigner) Signed(payload, sig []byte) bool { return false }

type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, fmt.Errorf("the signer command printed more than %d bytes", maxSignature)
	}
	l.left -= len(p)
	return l.w.Write(p)
}
