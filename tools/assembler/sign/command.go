package sign

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"time"
)

// DefaultCommandTimeout is how long a signer command may take to sign one
// payload before it is stopped. A KMS answers in seconds; a hardware token
// that waits for a touch may take a while, hence minutes rather than
// seconds.
const DefaultCommandTimeout = 2 * time.Minute

// Command returns a signer that runs an external program, for keys that
// never leave a KMS or a hardware token, and for signers that get a
// certificate for each key they sign with. The contract:
//   - command is run by /bin/sh -c, with the assembler's environment;
//   - it reads the bytes to sign on stdin: a simple signing payload, or a
//     DSSE pre-authentication encoding of a statement;
//   - it prints on stdout either the signature, base64 (standard alphabet),
//     or a JSON object CommandOutput: the signature with the certificate of
//     its key and the certificate chain;
//   - the signature is what cosign's verifier for the public key checks:
//     ECDSA ASN.1 or RSA PKCS#1 v1.5 over the SHA-256 of the input, or
//     Ed25519 over the input;
//   - it exits 0 within timeout (DefaultCommandTimeout when zero); its
//     stderr goes to stderr.
//
// The command is an untrusted program: one that outlives timeout is
// stopped, with every process it started (on unix, its process group), and
// one that fails or prints no signature fails the push with the first
// lines of its stderr, so that the cause shows without scrolling.
//
// A certificate is checked as Certify checks one, and the signature
// against the certificate's key, so that a signer that mixes them up
// fails here rather than at verification. The command line is not
// repeated in errors, since it may carry a token.
func Command(command string, stderr io.Writer, timeout time.Duration) Signer {
	if timeout <= 0 {
		timeout = DefaultCommandTimeout
	}
	if stderr == nil {
		stderr = io.Discard
	}
	// A release signs several images at a time: their commands' stderr
	// reaches the one writer through a lock.
	return &commandSigner{command: command, stderr: &lockedWriter{w: stderr}, timeout: timeout}
}

// CommandOutput is what a signer command that has a certificate prints.
type CommandOutput struct {
	// Signature is the signature, base64 (standard alphabet).
	Signature string `json:"signature"`
	// Certificate is the PEM certificate of the key that signed.
	Certificate string `json:"certificate"`
	// Chain is the PEM certificates from the certificate's issuer up to the
	// root; it may be empty.
	Chain string `json:"chain,omitempty"`
}

type commandSigner struct {
	command string
	stderr  io.Writer
	timeout time.Duration
}

// maxOutput bounds what a signer command may print: a signature and a few
// certificates are a few kilobytes.
const maxOutput = 256 << 10

// waitDelay bounds the wait for the command's output pipes once it is
// stopped or has exited, should a process outside its group hold them.
const waitDelay = 5 * time.Second

const commandContract = "it must read the payload on stdin, print its base64 signature (or a JSON object with \"signature\", \"certificate\" and \"chain\") on stdout and exit 0"

func (c *commandSigner) Sign(ctx context.Context, payload []byte) (Signature, error) {
	printed, err := c.run(ctx, payload)
	if err != nil {
		return Signature{}, err
	}
	sig, err := parseOutput(payload, printed.stdout)
	if err != nil {
		return Signature{}, fmt.Errorf("%w%s", err, printed.stderr)
	}
	return sig, nil
}

// parseOutput reads what a signer command printed on stdout, trimmed: a
// base64 signature, or a CommandOutput whose certificate is checked.
func parseOutput(payload, stdout []byte) (Signature, error) {
	if bytes.HasPrefix(stdout, []byte("{")) {
		return certifiedOutput(payload, stdout)
	}
	sig, err := decodeSignature(string(stdout))
	if err != nil {
		return Signature{}, fmt.Errorf("the signer command printed no base64 signature on stdout (%d bytes printed); %s", len(stdout), commandContract)
	}
	return Signature{Raw: sig}, nil
}

// printed is what a signer command that exited 0 printed: its stdout,
// trimmed, and the first lines of its stderr as an error suffix.
type printed struct {
	stdout []byte
	stderr string
}

// run runs the command on payload, stopping it and its processes after
// the timeout.
func (c *commandSigner) run(ctx context.Context, payload []byte) (printed, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", c.command)
	cmd.Stdin = bytes.NewReader(payload)
	var out bytes.Buffer
	head := &stderrHead{}
	cmd.Stdout = &limitedWriter{w: &out, left: maxOutput}
	cmd.Stderr = io.MultiWriter(c.stderr, head)
	cmd.WaitDelay = waitDelay
	stopWithChildren(cmd)
	err := cmd.Run()
	killLeftovers(cmd)
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && err != nil:
		return printed{}, fmt.Errorf("the signer command did not finish within %s and was stopped, with the processes it started; make it answer sooner (a KMS that hangs?) or allow it more time with --signer-timeout%s", c.timeout, head.suffix())
	case err != nil:
		return printed{}, fmt.Errorf("the signer command failed (%v); %s%s", err, commandContract, head.suffix())
	}
	return printed{stdout: bytes.TrimSpace(out.Bytes()), stderr: head.suffix()}, nil
}

func decodeSignature(s string) ([]byte, error) {
	sig, err := base64.StdEncoding.DecodeString(s)
	if err == nil && len(sig) == 0 {
		err = fmt.Errorf("empty")
	}
	return sig, err
}

// certifiedOutput reads and checks the JSON a signer command printed.
func certifiedOutput(payload, printed []byte) (Signature, error) {
	var o CommandOutput
	dec := json.NewDecoder(bytes.NewReader(printed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Signature{}, fmt.Errorf("reading the JSON the signer command printed: %w; it has the fields \"signature\" (base64), \"certificate\" (PEM) and \"chain\" (PEM, optional)", err)
	}
	sig, err := decodeSignature(o.Signature)
	if err != nil {
		return Signature{}, fmt.Errorf("the \"signature\" the signer command printed is not base64 (%v)", err)
	}
	if o.Certificate == "" {
		return Signature{}, fmt.Errorf("the signer command printed JSON with no \"certificate\"; print the bare base64 signature when there is none")
	}
	leaf, err := checkCertificate([]byte(o.Certificate), []byte(o.Chain), time.Now())
	if err != nil {
		return Signature{}, fmt.Errorf("the certificate the signer command printed: %w", err)
	}
	if !verifies(leaf.PublicKey, payload, sig) {
		return Signature{}, fmt.Errorf("the signature the signer command printed does not verify with the key of the certificate it printed (%q); sign with the key the certificate was issued for", leaf.Subject)
	}
	return Signature{Raw: sig, Certificate: []byte(o.Certificate), Chain: []byte(o.Chain)}, nil
}

// Signed is false: the command's public key is not known here, so only a
// byte-identical earlier signature counts as already there.
func (c *commandSigner) Signed(payload, sig []byte) bool { return false }

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

type limitedWriter struct {
	w    io.Writer
	left int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if len(p) > l.left {
		return 0, fmt.Errorf("the signer command printed more than %d bytes", maxOutput)
	}
	l.left -= len(p)
	return l.w.Write(p)
}
