#!/usr/bin/env bash
# Run a command against PostgreSQL: scripts/postgres.sh COMMAND [ARG...]
#
# When DATABASE_URL names a PostgreSQL server that answers, COMMAND runs against it.
# Otherwise a throwaway cluster is started on 127.0.0.1 (free port, random password, data in
# a temporary folder), after installing Debian's postgresql if it is missing (as root);
# COMMAND runs with DATABASE_URL pointing at it, and the cluster is stopped and deleted after.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

answers() {
  "$PYTHON" -c 'import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=5).close()' \
    "$1" 2>/dev/null
}

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*)
    if answers "$DATABASE_URL"; then exec "$@"; fi
    echo "postgres.sh: no PostgreSQL answers at DATABASE_URL; starting a throwaway one." >&2 ;;
esac

bin_dir() {
  if command -v pg_ctl >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
  find /usr/lib/postgresql -path '*/bin/pg_ctl' 2>/dev/null | sort -V | tail -n 1 | xargs -r dirname
}
[ -n "$(bin_dir)" ] || scripts/apt-install.sh postgresql
BIN=$(bin_dir)

# initdb refuses to run as root: as root, the cluster belongs to Debian's postgres user.
as_owner=()
[ "$(id -u)" -ne 0 ] || as_owner=(runuser -u postgres --)

HOME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/mistralnews-postgres.XXXXXX")
stop() {
  "${as_owner[@]}" "$BIN/pg_ctl" -D "$HOME_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$HOME_DIR"
}
trap stop EXIT
trap 'exit 130' INT TERM

PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PASSWORD=$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')
echo "$PASSWORD" >"$HOME_DIR/password"
[ "$(id -u)" -ne 0 ] || chown -R postgres: "$HOME_DIR"

"${as_owner[@]}" "$BIN/initdb" --pgdata="$HOME_DIR/data" --username=mistralnews \
  --pwfile="$HOME_DIR/password" --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
# A throwaway cluster for tests: durability off, speed on.
"${as_owner[@]}" "$BIN/pg_ctl" -D "$HOME_DIR/data" -l "$HOME_DIR/server.log" -w -t 60 start \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $HOME_DIR -c fsync=off \
      -c synchronous_commit=off -c full_page_writes=off" >/dev/null
SERVER="postgres://mistralnews:$PASSWORD@127.0.0.1:$PORT"
"$PYTHON" -c 'import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as server:
    server.execute("CREATE DATABASE mistralnews")' "$SERVER/postgres"
echo "postgres.sh: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2

DATABASE_URL="$SERVER/mistralnews" "$@"
