#!/usr/bin/env bash
# Install (if needed) and start a throwaway PostgreSQL for the `postgres` tests, then print
# its URL on the last line of stdout:
#   export PUPI_TEST_POSTGRES_URL=$(scripts/start-postgres.sh | tail -n 1)
# The cluster lives in $PUPI_PG_DIR (default /tmp/pupi-postgres), listens on loopback only,
# port $PUPI_PG_PORT (default 55432), trusts local connections: for tests, never for data.
# Running it again when the cluster is up just prints the URL. Stop it with
#   su postgres -c "pg_ctl -D /tmp/pupi-postgres/data stop"
set -euo pipefail

dir=${PUPI_PG_DIR:-/tmp/pupi-postgres}
port=${PUPI_PG_PORT:-55432}
db=pupi_test

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$found" ] && [ -x "$found/pg_ctl" ] && echo "$found"
}

bin=$(find_bin || true)
if [ -z "$bin" ]; then
  echo "Installing PostgreSQL..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(find_bin)
fi

as_postgres() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_postgres "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 >/dev/null"
fi
if ! as_postgres "'$bin/pg_ctl' -D '$dir/data' status" >/dev/null 2>&1; then
  as_postgres "'$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >&2
fi
if ! as_postgres "'$bin/psql' -h 127.0.0.1 -p $port -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1; then
  as_postgres "'$bin/createdb' -h 127.0.0.1 -p $port -U postgres $db"
fi
echo "postgresql://postgres@127.0.0.1:$port/$db"
