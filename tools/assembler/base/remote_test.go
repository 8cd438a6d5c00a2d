package base

import (
	"testing"

	"github.com/rules-goimage/rules_goimage/tools/assembler/internal/testenv"
)

func TestOpenRegistry(t *testing.T) {
	bases := testenv.SaveBases(t)
	t.Run("anonymous", func(t *testing.T) {
		reg := testenv.StartRegistry(t, false)
		ref := reg.Push(t, "oci:"+bases.OCILayout+":base", "team/base:v1")
		b, err := open(t, ref, hostPlatform)
		if err != nil {
			t.Fatal(err)
		}
		checkBase(t, b)
		if b.Name != reg.Host+"/team/base" || b.Digest.String() != ref[len(ref)-71:] {
			t.Errorf("Name, Digest = %q, %q; want the reference's name and digest (%s)", b.Name, b.Digest, ref)
		}
	})
	t.Run("needs a digest", func(t *testing.T) {
		reg := testenv.StartRegistry(t, false)
		ref := reg.Push(t, "oci:"+bases.OCILayout+":base", "team/base:v1")
		_, err := open(t, reg.Host+"/team/base:v1", hostPlatform)
		wantError(t, err, "has no digest", "it is now "+ref[len(ref)-71:], "pin that: "+reg.Host+"/team/base:v1@sha256:")
		_, err = open(t, "127.0.0.1:9/team/base:v1", hostPlatform)
		wantError(t, err, "has no digest", "pin it", "asking the registry for its digest failed", "unreachable")
	})
	t.Run("with credentials", func(t *testing.T) { testRegistryAuth(t, bases) })
	t.Run("with bearer tokens", func(t *testing.T) { testRegistryTokens(t, bases) })
}

// testRegistryTokens pulls from a registry that, like Docker Hub or GHCR,
// hands out bearer tokens: anonymous ones for public/..., and ones for
// everything in exchange for the user's password.
func testRegistryTokens(t *testing.T, bases *testenv.Bases) {
	reg := testenv.StartTokenRegistry(t)
	public := reg.Push(t, "oci:"+bases.OCILayout+":base", "public/base:v1")
	private := reg.Push(t, "oci:"+bases.OCILayout+":base", "private/base:v1")

	t.Setenv("DOCKER_CONFIG", t.TempDir())
	b, err := open(t, public, hostPlatform)
	if err != nil {
		t.Fatalf("anonymous pull of %s: %v", public, err)
	}
	checkBase(t, b)
	_, err = open(t, private, hostPlatform)
	wantError(t, err, "UNAUTHORIZED")

	reg.UseDockerLogin(t, reg.Password)
	if b, err = open(t, private, hostPlatform); err != nil {
		t.Fatalf("pull of %s with a token for the user: %v", private, err)
	}
	checkBase(t, b)
}

func testRegistryAuth(t *testing.T, bases *testenv.Bases) {
	reg := testenv.StartRegistry(t, true)
	ref := reg.Push(t, "docker-archive:"+bases.DockerClassic, "private/base:v1")

	t.Setenv("DOCKER_CONFIG", t.TempDir())
	_, err := open(t, ref, hostPlatform)
	wantError(t, err, "UNAUTHORIZED")

	reg.UseDockerLogin(t, reg.Password)
	b, err := open(t, ref, hostPlatform)
	if err != nil {
		t.Fatalf("with config.json auths: %v", err)
	}
	checkBase(t, b)

	reg.UseCredentialHelper(t)
	if b, err = open(t, ref, hostPlatform); err != nil {
		t.Fatalf("with a credential helper: %v", err)
	}
	checkBase(t, b)
}
