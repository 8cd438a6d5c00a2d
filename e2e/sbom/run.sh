#!/usr/bin/env bash
# The SBOM and the provenance of a go_image list the modules and versions
# that were linked, not the ones the root go.mod requires. In this workspace
# (e2e/sbom) two differ:
#
#   * rsc.io/pdf: go.mod requires v0.1.0, but the Bazel module sbom_e2e_dep
#     (dep/) requires v0.1.1 in its go.mod, and go_deps selects v0.1.1 for the
#     whole build by minimal version selection over every Bazel module's go.mod;
#   * rsc.io/qr: go.mod requires v0.2.0 and replaces it with v0.1.0.
#
# The reference is `go version -m` of the binary that `go build` links over
# the same module graph: a Go workspace of both go.mod files (the other
# Bazel modules that use go_deps, rules_goimage, rules_go and gazelle, name
# neither module nor any module these two require). Each image's
# SBOM (with and without go_mod) and provenance must list exactly its
# modules at its versions. tools/run_tests.sh runs it in its e2e step.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
BAZEL=$HERE/../../tools/bazel
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-e2e-sbom.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PASSED=0
FAILED=0

fail() { echo "FAIL: $*" >&2; FAILED=$((FAILED + 1)); }
pass() { echo "ok: $*"; PASSED=$((PASSED + 1)); }

# The modules go build linked, "path version" with replacements applied.
reference_modules() {
  cp -r "$HERE/go.mod" "$HERE/go.sum" "$HERE/main.go" "$HERE/dep" "$WORK/"
  (cd "$WORK" && go work init . ./dep && go build -o app .)
  go version -m "$WORK/app" | awk '
    $1 == "dep" { if (path != "") print path, version; path = $2; version = $3 }
    $1 == "=>" { path = $2; version = $3 }
    END { if (path != "") print path, version }' | sort
}

sbom_modules() {
  jq -r '.packages[] | select(.SPDXID != "SPDXRef-Package-main" and .SPDXID != "SPDXRef-Package-stdlib")
    | "\(.name) \(.versionInfo)"' "$1" | sort
}

provenance_modules() {
  jq -r '.predicate.buildDefinition.resolvedDependencies[] | .uri // empty
    | select(startswith("pkg:golang/") and (startswith("pkg:golang/stdlib@") | not))
    | ltrimstr("pkg:golang/") | sub("\\?.*"; "") | sub("@"; " ")' "$1" | sort
}

same() {
  if [ "$2" = "$3" ]; then
    pass "$1 lists the modules go build linked"
  else
    fail "$1 differs from go version -m of go build:"
    diff <(echo "$3") <(echo "$2") >&2 || true
  fi
}

want=$(reference_modules)
echo "go build linked:"
echo "$want" | sed 's/^/  /'
grep -qx 'rsc.io/pdf v0.1.1' <<<"$want" || fail "go build did not select rsc.io/pdf v0.1.1; the test's premise is gone"
grep -q 'rsc.io/pdf v0.1.0' "$HERE/go.mod" || fail "go.mod no longer requires rsc.io/pdf v0.1.0; the test's premise is gone"

cd "$HERE"
"$BAZEL" build --output_groups=+sbom,+provenance //:image //:image_go_mod
for image in image image_go_mod; do
  same "//:$image SBOM" "$(sbom_modules "bazel-bin/$image.spdx.json")" "$want"
  same "//:$image provenance" "$(provenance_modules "bazel-bin/$image.provenance.json")" "$want"
done
main=$(jq -r '.packages[] | select(.SPDXID == "SPDXRef-Package-main") | .name' bazel-bin/image_go_mod.spdx.json)
if [ "$main" = example.com/sbome2e ]; then
  pass "//:image_go_mod names go.mod's main module"
else
  fail "//:image_go_mod names the main module $main, want go.mod's example.com/sbome2e"
fi

echo "e2e sbom: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
