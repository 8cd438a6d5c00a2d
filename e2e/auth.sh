# shellcheck shell=bash
# Sourced by e2e/run.sh: pushes to the registry that asks for a password
# (htpasswd) and to the one that hands out bearer tokens, as Docker Hub, GHCR
# and GCR do; then goimage.pull from them, with credentials from docker
# config.json, from a credential helper, and anonymous tokens.

# docker_login DIR REGISTRY: DIR/config.json holds the e2e user's password for
# REGISTRY, as docker login writes it.
docker_login() {
  mkdir -p "$1"
  printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$2" "$CREDENTIALS" >"$1/config.json"
}

step_auth() {
  log "pushing to $AUTH_REGISTRY, which asks for a password"
  local out
  mkdir -p "$WORK/no-credentials"
  docker_login "$WORK/docker-config" "$AUTH_REGISTRY"
  if out=$(DOCKER_CONFIG=$WORK/no-credentials bazel_run "$E2E" //app:image.push -- --repository "$AUTH_REGISTRY/e2e/private" 2>&1); then
    fail "a push without credentials succeeded"
  fi
  grep -qiE "unauthorized|401" <<<"$out" || fail "a push without credentials failed without saying so: $out"
  ok "a push without credentials is refused"
  out=$(DOCKER_CONFIG=$WORK/docker-config bazel_run "$E2E" //app:image.push -- --repository "$AUTH_REGISTRY/e2e/private" --tag v1 2>&1)
  grep -qF "$PASSWORD" <<<"$out" && fail "the push printed the password"
  grep -qF "$CREDENTIALS" <<<"$out" && fail "the push printed the credentials"
  PRIVATE_DIGEST=$(tail -1 <<<"$out")
  PRIVATE_DIGEST=${PRIVATE_DIGEST#*@}
  ok "pushed with the credentials of docker config.json: $(tail -1 <<<"$out")"
}

step_token_push() {
  log "pushing to $TOKEN_REGISTRY, which hands out bearer tokens"
  local ref repo
  docker_login "$WORK/token-config" "$TOKEN_REGISTRY"
  if DOCKER_CONFIG=$WORK/no-credentials push //app:image.push -- --repository "$TOKEN_REGISTRY/public/hello" >/dev/null 2>&1; then
    fail "an anonymous push to $TOKEN_REGISTRY succeeded"
  fi
  ok "an anonymous push is refused"
  for repo in public/hello private/hello; do
    ref=$(DOCKER_CONFIG=$WORK/token-config push //app:image.push -- --repository "$TOKEN_REGISTRY/$repo")
    ok "pushed $ref with a token for $USER_NAME"
  done
  TOKEN_DIGEST=${ref#*@}
}


step_pull_with_credential_helper() {
  log "goimage.pull with credentials from a credential helper"
  local config=$WORK/helper-config
  mkdir -p "$config/bin"
  sed -e "s|@AUTH_REGISTRY@|$AUTH_REGISTRY|g" -e "s|@USER@|$USER_NAME|g" -e "s|@PASSWORD@|$PASSWORD|g" \
    "$E2E/pull/docker-credential-e2e.in" >"$config/bin/docker-credential-e2e"
  chmod +x "$config/bin/docker-credential-e2e"
  printf '{"credHelpers": {"%s": "e2e"}}\n' "$AUTH_REGISTRY" >"$config/config.json"

  DOCKER_CONFIG=$WORK/no-credentials expect_failure //:on_private_helper "UNAUTHORIZED" "docker login $AUTH_REGISTRY"
  ok "goimage.pull from a registry that asks for a password, without credentials, is refused"
  DOCKER_CONFIG=$config expect_failure //:on_private_helper "docker-credential-e2e is not on PATH"
  ok "a credential helper that is not installed is named"
  (cd "$PULL_WS" && DOCKER_CONFIG=$config PATH=$config/bin:$PATH "$BAZEL" build --action_env=PATH //:on_private_helper)
  ok "goimage.pull fetched $AUTH_REGISTRY/e2e/private with the credentials of docker-credential-e2e"
}

step_pull_with_tokens() {
  log "goimage.pull from $TOKEN_REGISTRY, which hands out bearer tokens"
  (cd "$PULL_WS" && DOCKER_CONFIG=$WORK/no-credentials "$BAZEL" build //:on_token_public)
  ok "goimage.pull of $TOKEN_REGISTRY/public/hello with an anonymous token"
  DOCKER_CONFIG=$WORK/no-credentials expect_failure //:on_token_private "UNAUTHORIZED" "docker login $TOKEN_REGISTRY"
  ok "goimage.pull of $TOKEN_REGISTRY/private/hello without credentials is refused"
  DOCKER_CONFIG=$WORK/token-config load_and_run "$PULL_WS" //:on_token_private goimage-test-rules/e2e-on-token-private:latest "Hello from the e2e workspace"
  ok "goimage.pull of $TOKEN_REGISTRY/private/hello with a token for $USER_NAME"
}
