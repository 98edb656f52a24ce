#!/usr/bin/env bash
# Makes sure the services the suites use are answering on loopback. The project's machines start
# PostgreSQL before a session; this starts it if it has stopped, and fails loudly if it cannot.
set -euo pipefail

postgres_ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

if ! postgres_ready; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 30); do postgres_ready && break; sleep 1; done
fi
postgres_ready || { echo "PostgreSQL is not answering on 127.0.0.1:5432" >&2; exit 1; }
echo "PostgreSQL is ready"
