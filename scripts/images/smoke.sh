#!/usr/bin/env bash
# Smoke test of the runtime images (after `npm run images`): runs each image the way the container runtime
# does (non-root, read-only root, tmpfs /tmp and home, no capabilities, no-new-privileges, init, the
# workspace bind-mounted) and checks its toolchain, then boots the node-express, python-flask and go-http
# templates in their images and asks their /health through a port published on 127.0.0.1.
#
#   bash scripts/images/smoke.sh [node|python|go ...]
#   ALL_TEMPLATES=1 bash scripts/images/smoke.sh   # also react-vite, python-fastapi and python-django
#
# node-express installs its dependencies from the npm registry, which containers reach only with the
# host's CA bundle trusted: it is mounted read-only and named in NODE_EXTRA_CA_CERTS (set CA_BUNDLE to use
# another file). Test containers carry the label dev.vaporform.smoke and are removed on exit.
set -euo pipefail

DOCKER=${DOCKER:-/usr/bin/docker}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CA_BUNDLE=${CA_BUNDLE:-${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}}
BOOT_TIMEOUT=${BOOT_TIMEOUT:-180}
STACKS=("$@")
[ ${#STACKS[@]} -gt 0 ] || STACKS=(node python go)

# How the runtime runs project containers. /tmp is mounted exec: `go run` executes the binary it builds
# under $GOTMPDIR (default /tmp), and Docker mounts a tmpfs noexec unless told otherwise.
HARDENED=(
  --user 1000:1000 --read-only
  --tmpfs /tmp:exec,size=512m --tmpfs /home/vaporform:uid=1000,gid=1000,size=512m
  --cap-drop ALL --security-opt no-new-privileges --init
  --label dev.vaporform.smoke=1
)
CA_ARGS=()
if [ -f "$CA_BUNDLE" ]; then
  CA_ARGS=(-v "$CA_BUNDLE:/etc/vaporform/extra-ca.crt:ro" -e NODE_EXTRA_CA_CERTS=/etc/vaporform/extra-ca.crt
    -e SSL_CERT_FILE=/etc/vaporform/extra-ca.crt -e PIP_CERT=/etc/vaporform/extra-ca.crt)
fi

TEMP_DIRS=()
CONTAINERS=()
cleanup() {
  for id in "${CONTAINERS[@]+"${CONTAINERS[@]}"}"; do "$DOCKER" rm -f "$id" >/dev/null 2>&1 || true; done
  for dir in "${TEMP_DIRS[@]+"${TEMP_DIRS[@]}"}"; do rm -rf "$dir"; done
}
trap cleanup EXIT

FAILED=()
elapsed() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'; }
pass() { printf '  PASS %s\n' "$1"; }
fail() {
  printf '  FAIL %s\n' "$1"
  FAILED+=("$1")
}

# A workspace directory owned by the container user (uid 1000), optionally filled from a template; its
# path is left in $WS (not printed: a command substitution's subshell could not record it for cleanup).
WS=''
workspace() {
  WS=$(mktemp -d /tmp/vaporform-smoke-XXXXXX)
  TEMP_DIRS+=("$WS")
  if [ -n "${1:-}" ]; then
    tar -C "$ROOT/templates/$1" --exclude=node_modules --exclude=template.json -c . | tar -C "$WS" -x
  fi
  chown -R 1000:1000 "$WS"
  chmod 0755 "$WS"
}

# check NAME IMAGE SCRIPT [extra docker args...]: runs SCRIPT in a hardened container.
check() {
  local name=$1 image=$2 script=$3
  shift 3
  local ws started output
  workspace
  ws=$WS
  started=$(date +%s.%N)
  if output=$("$DOCKER" run --rm "${HARDENED[@]}" "$@" -v "$ws:/workspace" "$image" sh -euc "$script" 2>&1); then
    pass "$name ($(elapsed "$started")s): $(echo "$output" | tail -n 1)"
  else
    fail "$name"
    echo "$output" | tail -n 20 | sed 's/^/      /'
  fi
}

# template ID IMAGE: boots a template (its install, then its dev command, with its env) and waits for
# its health path on the published port.
template() {
  local id=$1 image=$2 json port health install dev ws env_args=() started cid host_port
  json="$ROOT/templates/$id/template.json"
  port=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).port)' "$json")
  health=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).healthPath ?? "/")' "$json")
  install=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).install ?? "true")' "$json")
  dev=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).dev)' "$json")
  while IFS= read -r kv; do [ -n "$kv" ] && env_args+=(-e "$kv"); done < <(
    node -e 'for (const [k, v] of Object.entries(JSON.parse(require("fs").readFileSync(process.argv[1])).env ?? {})) console.log(`${k}=${v}`)' "$json"
  )
  workspace "$id"
  ws=$WS
  started=$(date +%s.%N)
  cid=$("$DOCKER" run -d "${HARDENED[@]}" "${CA_ARGS[@]+"${CA_ARGS[@]}"}" "${env_args[@]+"${env_args[@]}"}" \
    -p "127.0.0.1::$port" -v "$ws:/workspace" "$image" sh -c "$install && $dev")
  CONTAINERS+=("$cid")
  host_port=$("$DOCKER" port "$cid" "$port/tcp" | head -n 1 | sed 's/.*://')
  local body='' deadline=$(($(date +%s) + BOOT_TIMEOUT))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if body=$(curl -fsS --max-time 2 "http://127.0.0.1:$host_port$health" 2>/dev/null); then break; fi
    body=''
    [ "$("$DOCKER" inspect -f '{{.State.Running}}' "$cid")" = true ] || break
    sleep 0.5
  done
  if [ -n "$body" ]; then
    pass "template $id: GET $health -> $(echo "$body" | tr -d ' \n') ($(elapsed "$started")s from start, incl. install)"
  else
    fail "template $id did not answer $health on 127.0.0.1:$host_port"
    "$DOCKER" logs --tail 30 "$cid" 2>&1 | sed 's/^/      /'
  fi
  "$DOCKER" rm -f "$cid" >/dev/null
}

for stack in "${STACKS[@]}"; do
  image="vaporform/runtime-$stack:latest"
  echo "== $image ($("$DOCKER" image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
  case $stack in
    node)
      check "node and npm as uid 1000" "$image" 'id -u; node -v; npm -v; npx -v; echo "node $(node -v), npm $(npm -v), $(id -un) $(id -u):$(id -g)"'
      check "npm install express (host CA bundle mounted)" "$image" \
        'npm init -y >/dev/null && npm install express --no-audit --no-fund --loglevel=error >/dev/null && node -e "require(\"express\"); console.log(\"express\", require(\"express/package.json\").version)"' \
        "${CA_ARGS[@]+"${CA_ARGS[@]}"}"
      check "root filesystem is read-only" "$image" 'if touch /usr/local/x 2>/dev/null; then exit 1; fi; echo read-only'
      template node-express "$image"
      [ -z "${ALL_TEMPLATES:-}" ] || template react-vite "$image"
      ;;
    python)
      check "python frameworks" "$image" \
        'python3 -c "import flask, fastapi, uvicorn, django, sys; print(\"python\", sys.version.split()[0], \"flask\", flask.__version__, \"fastapi\", fastapi.__version__, \"uvicorn\", uvicorn.__version__, \"django\", django.get_version())"'
      check "pip and venv" "$image" 'python3 -m pip --version >/dev/null && python3 -m venv --system-site-packages /tmp/venv && /tmp/venv/bin/python -c "import flask; print(\"venv ok\")"'
      template python-flask "$image"
      [ -z "${ALL_TEMPLATES:-}" ] || template python-fastapi "$image"
      [ -z "${ALL_TEMPLATES:-}" ] || template python-django "$image"
      ;;
    go)
      check "go build and go run" "$image" \
        'printf "module example.com/hello\n\ngo 1.19\n" > go.mod && printf "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n" > main.go && go build -o hello . && ./hello >/dev/null && go run . >/dev/null && echo "$(go version), GOCACHE=$(go env GOCACHE)"'
      template go-http "$image"
      ;;
    *)
      echo "unknown stack: $stack" >&2
      exit 2
      ;;
  esac
done

if [ ${#FAILED[@]} -gt 0 ]; then
  echo "${#FAILED[@]} check(s) failed"
  exit 1
fi
echo "all checks passed"
