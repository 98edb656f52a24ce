#!/usr/bin/env bash
# Makes sure a Docker Engine answers on this machine, for the container suites and `npm run images`.
# Idempotent: when `/usr/bin/docker info` already answers it does nothing. Otherwise (as root, e.g. in CI)
# it installs Debian's docker.io (plus debootstrap, which `npm run images` uses to bootstrap a base image
# when no registry is reachable), starts dockerd in the background without systemd and waits for it.
# Uses /usr/bin/docker on purpose: another `docker` client on the PATH of these machines crashed once.
set -euo pipefail

DOCKER=${DOCKER:-/usr/bin/docker}
LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
WAIT_SECONDS=${DOCKERD_WAIT_SECONDS:-60}

docker_ready() { "$DOCKER" info >/dev/null 2>&1; }

# The container suites build their probe image from a statically linked busybox.
if [ ! -x /bin/busybox ] || ! dpkg -s busybox-static >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing busybox-static"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static || {
      apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static
    }
  fi
fi

if docker_ready; then
  echo "Docker Engine is ready ($("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Docker Engine is not answering and installing it needs root: run this script as root" >&2
  exit 1
fi

if [ ! -x "$DOCKER" ] || ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  echo "installing docker.io and debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q docker.io debootstrap
fi

# One bridge network per project: Docker's default pools hold only ~30 of them. /24s out of a /16 give 256
# (a daemon.json someone already wrote is left alone).
if [ ! -e /etc/docker/daemon.json ]; then
  mkdir -p /etc/docker
  echo '{ "default-address-pools": [{ "base": "10.210.0.0/16", "size": 24 }] }' >/etc/docker/daemon.json
fi

start_dockerd() {
  echo "starting dockerd (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  # setsid: its own session, so it outlives this script and CI's process group; no systemd here.
  setsid dockerd >"$LOG" 2>&1 </dev/null &
}

# A dockerd that is still shutting down (or crashed) leaves no answer: start a new one whenever none runs.
for _ in $(seq 1 "$WAIT_SECONDS"); do
  if docker_ready; then
    echo "Docker Engine is ready ($("$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
  fi
  pgrep -x dockerd >/dev/null 2>&1 || start_dockerd
  sleep 1
done

echo "Docker Engine did not answer within ${WAIT_SECONDS}s. Last lines of $LOG:" >&2
tail -n 40 "$LOG" >&2 || true
exit 1
