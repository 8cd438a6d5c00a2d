package sign_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/rules-goimage/rules_goimage/tools/assembler/image"
	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
	"github.com/rules-goimage/rules_goimage/tools/assembler/sign"
)

// These tests push images with `assembler push --sign-key/--signer-command`
// to a real registry and check them with the unmodified cosign CLI, offline:
// key verification with no transparency log.

const keyPassword = "correct horse battery staple"

type fixture struct {
	asm      string
	registry *testenv.Registry
	// single is a one-platform image with an SPDX SBOM attached.
	single string
	// index is a two-platform index.
	index *testenv.MultiPlatform
	// other is another one-platform image, never signed.
	other string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{asm: testenv.Assembler(t), registry: testenv.StartRegistry(t, false)}
	dir := t.TempDir()
	f.single = filepath.Join(dir, "single")
	testenv.Run(t, f.asm, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+runtime.GOARCH,
		"--sbom", filepath.Join(dir, "sbom.spdx.json"), "--layout", f.single, "--quiet")
	f.other = filepath.Join(dir, "other")
	testenv.Run(t, f.asm, "build", "--binary", testenv.HostBinary(t), "--platform", "linux/"+runtime.GOARCH,
		"--env", "GREETING=tampered", "--layout", f.other, "--quiet")
	f.index = testenv.BuildMultiPlatform(t)
	return f
}

// push runs assembler push with env added and returns the reference it
// printed, and what it wrote to stderr.
func (f *fixture) push(t *testing.T, env []string, args ...string) (string, string) {
	t.Helper()
	ref, stderr, err := f.pushErr(env, args...)
	if err != nil {
		t.Fatalf("assembler push %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return ref, stderr
}

func (f *fixture) pushErr(env []string, args ...string) (string, string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(f.asm, append([]string{"push"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return strings.TrimSpace(stdout.String()), stderr.String(), err
}

func cosignVerify(t *testing.T, pub, ref string, extra ...string) (string, error) {
	t.Helper()
	args := append([]string{"verify", "--key", pub, "--allow-http-registry", "--insecure-ignore-tlog=true"}, extra...)
	out, err := testenv.CosignRun(t, append(args, ref)...)
	t.Logf("cosign %s %s:\n%s", strings.Join(args, " "), ref, firstLines(out, 5))
	return out, err
}

func wantVerified(t *testing.T, pub, ref string, extra ...string) {
	t.Helper()
	out, err := cosignVerify(t, pub, ref, extra...)
	if err != nil {
		t.Fatalf("cosign verify %s failed: %v\n%s", ref, err, out)
	}
	if !strings.Contains(out, "The signatures were verified against the specified public key") {
		t.Fatalf("cosign verify %s did not say it verified the signatures:\n%s", ref, out)
	}
}

func wantRefused(t *testing.T, pub, ref string) {
	t.Helper()
	if out, err := cosignVerify(t, pub, ref); err == nil {
		t.Fatalf("cosign verify %s passed, want it refused:\n%s", ref, out)
	}
}

// firstLines are the first n lines of cosign's output, without its
// warnings about the transparency log and the TUF root it cannot reach
// offline.
func firstLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" && !strings.HasPrefix(l, "WARNING") && len(lines) < n {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// A key from `cosign generate-key-pair` signs the image, the index and
// each of its platform images; cosign verifies them with its public key
// and refuses another key, a tag moved to an unsigned image, and a digest
// that was not signed. The SBOM is attested; pushing twice adds nothing.
func TestCosignVerifiesEncryptedKeySignatures(t *testing.T) {
	f := newFixture(t)
	key, pub := testenv.CosignKeyPair(t, keyPassword)
	_, otherPub := testenv.CosignKeyPair(t, "another password")
	env := []string{"COSIGN_PASSWORD=" + keyPassword}
	repo := f.registry.Host + "/app"

	single, stderr := f.push(t, env, "--layout", f.single, "--repository", repo, "--tag", "v1", "--sign-key", key)
	for _, secret := range []string{keyPassword, readFile(t, key)} {
		if strings.Contains(single+stderr, secret) {
			t.Fatalf("push printed a secret:\n%s\n%s", single, stderr)
		}
	}
	wantVerified(t, pub, single)
	wantVerified(t, pub, repo+":v1")
	wantVerified(t, pub, single, "--experimental-oci11")
	wantRefused(t, otherPub, single)

	out, err := testenv.CosignRun(t, "verify-attestation", "--type", "spdxjson", "--key", pub,
		"--allow-http-registry", "--insecure-ignore-tlog=true", single)
	t.Logf("cosign verify-attestation --type spdxjson %s:\n%s", single, firstLines(out, 4))
	if err != nil || !strings.Contains(out, "Verification for "+single) || !strings.Contains(out, "verified against the specified public key") {
		t.Fatalf("cosign verify-attestation --type spdxjson: %v\n%s", err, out)
	}
	if out, err := testenv.CosignRun(t, "verify-attestation", "--type", "spdxjson", "--key", otherPub,
		"--allow-http-registry", "--insecure-ignore-tlog=true", single); err == nil {
		t.Fatalf("cosign verify-attestation passed with another key:\n%s", out)
	}

	index, _ := f.push(t, env, "--layout", f.index.Layout, "--repository", repo, "--tag", "multi", "--sign-key", key)
	wantVerified(t, pub, index)
	for platform, d := range f.index.Images {
		t.Run(platform, func(t *testing.T) { wantVerified(t, pub, repo+"@"+d.Digest.String()) })
	}
	wantRefused(t, otherPub, index)

	// Pushing again adds no signature: one layer per signed digest.
	f.push(t, env, "--layout", f.index.Layout, "--repository", repo, "--tag", "multi", "--sign-key", key)
	f.push(t, env, "--layout", f.single, "--repository", repo, "--tag", "v1", "--sign-key", key)
	for _, ref := range []string{single, index} {
		wantSignatureLayers(t, ref, "sig", 1)
		wantReferrer(t, ref, "sig", "application/vnd.dev.cosign.artifact.sig.v1+json")
	}
	wantSignatureLayers(t, single, "att", 1)
	wantReferrer(t, single, "att", sign.InTotoPayloadType)

	// Tampering: v1 now names an unsigned image; and a digest never signed.
	unsigned, _ := f.push(t, nil, "--layout", f.other, "--repository", repo, "--tag", "v1")
	wantRefused(t, pub, repo+":v1")
	wantRefused(t, pub, unsigned)
	// The signed image itself still verifies.
	wantVerified(t, pub, single)
}

// A signature that cosign itself made with the key counts as the key's:
// a push signing with the same key adds none beside it, and cosign
// verifies the image.
func TestPushKeepsCosignsOwnSignature(t *testing.T) {
	f := newFixture(t)
	key, pub := testenv.CosignKeyPair(t, keyPassword)
	t.Setenv("COSIGN_PASSWORD", keyPassword)
	ref, _ := f.push(t, nil, "--layout", f.other, "--repository", f.registry.Host+"/cosigned")
	out, err := testenv.CosignRun(t, "sign", "--key", key, "--tlog-upload=false", "--allow-http-registry", "--yes", ref)
	if err != nil {
		t.Fatalf("cosign sign: %v\n%s", err, out)
	}
	wantSignatureLayers(t, ref, "sig", 1)
	f.push(t, nil, "--layout", f.other, "--repository", f.registry.Host+"/cosigned", "--sign-key", key)
	wantSignatureLayers(t, ref, "sig", 1)
	wantVerified(t, pub, ref)
}

// In-toto statements attached to the image in the layout (SLSA provenance,
// say) are attested beside the SBOM, each verifiable by its type; one that
// does not name the image it is attached to is refused before it is signed.
func TestCosignVerifiesAttachedStatements(t *testing.T) {
	f := newFixture(t)
	key, pub := testenv.CosignKeyPair(t, keyPassword)
	t.Setenv("COSIGN_PASSWORD", keyPassword)
	withStatement := func(subjectHex string) (string, string) {
		dir := filepath.Join(t.TempDir(), "layout")
		testenv.Run(t, "cp", "-a", f.single, dir)
		img := testenv.LayoutImage(t, dir)
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		if subjectHex == "" {
			subjectHex = d.Hex
		}
		statement := `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"app","digest":{"sha256":"` + subjectHex + `"}}],` +
			`"predicateType":"https://slsa.dev/provenance/v1","predicate":{"buildDefinition":{"buildType":"https://example.com/build/v1","externalParameters":{}},"runDetails":{"builder":{"id":"https://example.com/builder"}}}}`
		art, err := image.Artifact(img, sign.InTotoPayloadType, []byte(statement), nil)
		if err != nil {
			t.Fatal(err)
		}
		p, err := layout.FromPath(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.AppendImage(art); err != nil {
			t.Fatal(err)
		}
		return dir, d.String()
	}

	dir, digest := withStatement("")
	repo := f.registry.Host + "/attested"
	ref, _ := f.push(t, nil, "--layout", dir, "--repository", repo, "--sign-key", key)
	if ref != repo+"@"+digest {
		t.Fatalf("pushed %s, want %s@%s", ref, repo, digest)
	}
	for _, typ := range []string{"slsaprovenance1", "spdxjson"} {
		out, err := testenv.CosignRun(t, "verify-attestation", "--type", typ, "--key", pub,
			"--allow-http-registry", "--insecure-ignore-tlog=true", ref)
		t.Logf("cosign verify-attestation --type %s %s:\n%s", typ, ref, firstLines(out, 4))
		if err != nil || !strings.Contains(out, "verified against the specified public key") {
			t.Fatalf("cosign verify-attestation --type %s: %v\n%s", typ, err, out)
		}
	}
	wantSignatureLayers(t, ref, "att", 2)

	dir, _ = withStatement(strings.Repeat("0", 64))
	_, stderr, err := f.pushErr(nil, "--layout", dir, "--repository", f.registry.Host+"/refused", "--sign-key", key)
	if err == nil || !strings.Contains(stderr, "does not name it among its subjects") {
		t.Fatalf("push of a statement about another digest: err %v, stderr:\n%s", err, stderr)
	}
	// Nothing was pushed: the check came first.
	refused, err := name.NewDigest(f.registry.Host + "/refused@" + digest)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Head(refused); err == nil {
		t.Errorf("the refused push uploaded the image")
	}
}

// wantSignatureLayers checks how many layers cosign's tag of ref holds.
func wantSignatureLayers(t *testing.T, ref, suffix string, want int) {
	t.Helper()
	d, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	hex := strings.TrimPrefix(d.DigestStr(), "sha256:")
	img, err := remote.Image(d.Context().Tag("sha256-" + hex + "." + suffix))
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != want {
		t.Errorf("%s.%s holds %d layers, want %d", ref, suffix, len(layers), want)
	}
}

// wantReferrer checks that ref has exactly one referrer of artifactType
// (cosign's --experimental-oci11 falls back to the tag, so this is checked
// here) and that it holds the layers of the tag.
func wantReferrer(t *testing.T, ref, suffix, artifactType string) {
	t.Helper()
	d, err := name.NewDigest(ref)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := remote.Referrers(d, remote.WithFilter("artifactType", artifactType))
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	var found []v1.Hash
	for _, desc := range m.Manifests {
		// Attestation referrers share their type with unsigned statements.
		if desc.ArtifactType == artifactType {
			img, err := remote.Image(d.Context().Digest(desc.Digest.String()))
			if err != nil {
				t.Fatal(err)
			}
			if mf, _ := img.Manifest(); mf.Layers[0].MediaType != sign.SimpleSigningMediaType && mf.Layers[0].MediaType != sign.DSSEMediaType {
				continue
			}
			found = append(found, desc.Digest)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s has %d signature referrers of type %s, want 1: %v", ref, len(found), artifactType, found)
	}
	tagged, err := remote.Image(d.Context().Tag("sha256-" + strings.TrimPrefix(d.DigestStr(), "sha256:") + "." + suffix))
	if err != nil {
		t.Fatal(err)
	}
	referrer, err := remote.Image(d.Context().Digest(found[0].String()))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := tagged.Manifest()
	got, _ := referrer.Manifest()
	if diff := cmp.Diff(want.Layers, got.Layers); diff != "" {
		t.Errorf("the referrer's layers differ from %s.%s's (-tag +referrer):\n%s", ref, suffix, diff)
	}
	if got.Subject == nil || got.Subject.Digest.String() != d.DigestStr() {
		t.Errorf("the referrer's subject is %v, want %s", got.Subject, d.DigestStr())
	}
}

// Plain PEM keys that openssl writes sign as well, each verified by cosign
// with the matching PEM public key.
func TestCosignVerifiesPEMKeySignatures(t *testing.T) {
	openssl := testenv.Tool(t, "openssl")
	f := newFixture(t)
	for _, tc := range []struct {
		name, generate string
	}{
		{"EC P-256 PKCS#8", "openssl ecparam -genkey -name prime256v1 -noout | openssl pkcs8 -topk8 -nocrypt"},
		{"EC P-256 SEC1", "openssl ecparam -genkey -name prime256v1"},
		{"RSA 2048", "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048"},
		{"Ed25519", "openssl genpkey -algorithm ed25519"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key, pub := opensslKeyPair(t, openssl, tc.generate)
			_, otherPub := opensslKeyPair(t, openssl, tc.generate)
			ref, _ := f.push(t, nil, "--layout", f.index.Layout, "--repository", f.registry.Host+"/pem", "--sign-key", key)
			wantVerified(t, pub, ref)
			for _, d := range f.index.Images {
				wantVerified(t, pub, f.registry.Host+"/pem@"+d.Digest.String())
			}
			wantRefused(t, otherPub, ref)
		})
	}
}

// opensslKeyPair writes the private key that the shell command generate
// prints and its public key, and returns both paths.
func opensslKeyPair(t *testing.T, openssl, generate string) (key, pub string) {
	t.Helper()
	dir := t.TempDir()
	key, pub = filepath.Join(dir, "key.pem"), filepath.Join(dir, "pub.pem")
	testenv.Run(t, "sh", "-c", generate+" > "+key)
	testenv.Run(t, openssl, "pkey", "-in", key, "-pubout", "-out", pub)
	return key, pub
}

// An external signer command (here a script calling openssl, as a KMS
// client would) signs an index and its images; cosign verifies them with
// its public key.
func TestCosignVerifiesSignerCommandSignatures(t *testing.T) {
	openssl := testenv.Tool(t, "openssl")
	f := newFixture(t)
	key, pub := opensslKeyPair(t, openssl, "openssl ecparam -genkey -name prime256v1 -noout")
	script := filepath.Join(t.TempDir(), "sign.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nset -e\nopenssl dgst -sha256 -sign \"$SIGNING_KEY\" | base64 -w0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{"SIGNING_KEY=" + key}
	repo := f.registry.Host + "/external"
	index, _ := f.push(t, env, "--layout", f.index.Layout, "--repository", repo, "--signer-command", script)
	wantVerified(t, pub, index)
	for _, d := range f.index.Images {
		wantVerified(t, pub, repo+"@"+d.Digest.String())
	}
	single, _ := f.push(t, env, "--layout", f.single, "--repository", repo, "--signer-command", script)
	out, err := testenv.CosignRun(t, "verify-attestation", "--type", "spdxjson", "--key", pub,
		"--allow-http-registry", "--insecure-ignore-tlog=true", single)
	if err != nil {
		t.Fatalf("cosign verify-attestation of a --signer-command attestation: %v\n%s", err, out)
	}

	// A failing command stops the push with an error that does not repeat
	// the command line, which may carry a token.
	_, stderr, err := f.pushErr(nil, "--layout", f.single, "--repository", repo, "--signer-command", "exit 3 # token=s3cr3t")
	if err == nil || !strings.Contains(stderr, "the signer command failed") || strings.Contains(stderr, "s3cr3t") {
		t.Fatalf("push with a failing signer command: err %v, stderr:\n%s", err, stderr)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// identityVerify runs cosign verify (or verify-attestation, with its
// --type) by certificate identity, trusting only the root in rootPEM: the
// intermediate has to come from the chain stored with the signature.
func identityVerify(t *testing.T, verb, ref, identity, issuer, rootPEM string, extra ...string) (string, error) {
	t.Helper()
	args := append([]string{verb, "--certificate-identity", identity, "--certificate-oidc-issuer", issuer,
		"--certificate-chain", rootPEM, "--insecure-ignore-sct", "--insecure-ignore-tlog=true", "--allow-http-registry"}, extra...)
	out, err := testenv.CosignRun(t, append(args, ref)...)
	t.Logf("cosign %s %s:\n%s", strings.Join(args, " "), ref, firstLines(out, 5))
	return out, err
}

func wantIdentityVerified(t *testing.T, verb, ref, identity, issuer, rootPEM string, extra ...string) {
	t.Helper()
	out, err := identityVerify(t, verb, ref, identity, issuer, rootPEM, extra...)
	if err != nil || !strings.Contains(out, "The code-signing certificate was verified using trusted certificate authority certificates") {
		t.Fatalf("cosign %s by identity %s of %s: %v\n%s", verb, identity, ref, err, out)
	}
}

func wantIdentityRefused(t *testing.T, ref, identity, issuer, rootPEM string) {
	t.Helper()
	if out, err := identityVerify(t, "verify", ref, identity, issuer, rootPEM); err == nil {
		t.Fatalf("cosign verify by identity %s, issuer %s, root %s passed, want it refused:\n%s", identity, issuer, rootPEM, out)
	}
}

// A key with the certificate a private CA issued for it, and a signer
// command that prints a certificate with each signature, sign so that
// cosign verifies by identity: the certificate's email address or URI and
// its OIDC issuer, chained to the CA's root. Another identity, another
// issuer and another CA's root are refused.
func TestCosignVerifiesCertificateSignatures(t *testing.T) {
	f := newFixture(t)
	ca, otherCA := sign.NewCA(t), sign.NewCA(t)
	root := sign.WriteTestFile(t, "ca.pem", ca.RootPEM)
	otherRoot := sign.WriteTestFile(t, "other-ca.pem", otherCA.RootPEM)
	chain := sign.WriteTestFile(t, "chain.pem", ca.ChainPEM())
	const issuer = "https://issuer.example.com"

	t.Run("key and certificate", func(t *testing.T) {
		const identity = "builder@example.com"
		key, pub := sign.NewSigningKey(t)
		cert := sign.WriteTestFile(t, "cert.pem", ca.Issue(t, sign.Leaf{Identity: identity, Issuer: issuer}, pub))
		repo := f.registry.Host + "/certified"
		args := []string{"--layout", f.single, "--repository", repo, "--sign-key", key, "--sign-certificate", cert, "--sign-certificate-chain", chain}
		ref, _ := f.push(t, nil, args...)
		wantIdentityVerified(t, "verify", ref, identity, issuer, root)
		wantIdentityVerified(t, "verify-attestation", ref, identity, issuer, root, "--type", "spdxjson")
		wantIdentityRefused(t, ref, "someone@example.com", issuer, root)
		wantIdentityRefused(t, ref, identity, "https://other-issuer.example.com", root)
		wantIdentityRefused(t, ref, identity, issuer, otherRoot)
		// Pushing again adds nothing: the same key's signature under the
		// same certificate is there.
		f.push(t, nil, args...)
		wantSignatureLayers(t, ref, "sig", 1)
		wantSignatureLayers(t, ref, "att", 1)
		// A renewed certificate adds the key's signature under it.
		renewed := sign.WriteTestFile(t, "renewed.pem", ca.Issue(t, sign.Leaf{Identity: identity, Issuer: issuer}, pub))
		f.push(t, nil, "--layout", f.single, "--repository", repo, "--sign-key", key, "--sign-certificate", renewed, "--sign-certificate-chain", chain)
		wantSignatureLayers(t, ref, "sig", 2)
		wantIdentityVerified(t, "verify", ref, identity, issuer, root)
	})

	t.Run("signer command", func(t *testing.T) {
		const identity = "https://ci.example.com/workflows/release.yaml@refs/heads/main"
		key, pub := sign.NewSigningKey(t)
		cert := sign.WriteTestFile(t, "cert.pem", ca.Issue(t, sign.Leaf{Identity: identity, Issuer: issuer}, pub))
		// What a signer that holds a key and its certificate prints: the
		// signature, the certificate and the chain, as JSON.
		script := sign.WriteTestFile(t, "sign.sh", []byte(`#!/bin/sh
set -e
sig=$(openssl dgst -sha256 -sign "$SIGNING_KEY" | base64 -w0)
pem() { awk '{printf "%s\\n", $0}' "$1"; }
printf '{"signature":"%s","certificate":"%s","chain":"%s"}\n' "$sig" "$(pem "$SIGNING_CERT")" "$(pem "$SIGNING_CHAIN")"
`))
		if err := os.Chmod(script, 0o755); err != nil {
			t.Fatal(err)
		}
		testenv.Tool(t, "openssl")
		env := []string{"SIGNING_KEY=" + key, "SIGNING_CERT=" + cert, "SIGNING_CHAIN=" + chain}
		repo := f.registry.Host + "/command"
		index, _ := f.push(t, env, "--layout", f.index.Layout, "--repository", repo, "--signer-command", script)
		wantIdentityVerified(t, "verify", index, identity, issuer, root)
		for platform, d := range f.index.Images {
			t.Run(platform, func(t *testing.T) {
				wantIdentityVerified(t, "verify", repo+"@"+d.Digest.String(), identity, issuer, root)
			})
		}
		wantIdentityRefused(t, index, "https://ci.example.com/workflows/other.yaml@refs/heads/main", issuer, root)
		wantIdentityRefused(t, index, identity, issuer, otherRoot)
	})
}
