#!/usr/bin/env bash
# Run a command with TEST_DATABASE_URL pointing at a throwaway PostgreSQL server on 127.0.0.1,
# started here from Debian's packages (installed if missing, when root) and stopped afterwards.
#   scripts/with-postgres.sh make test
set -euo pipefail

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
BIN=$(find_bin)
if [ -z "$BIN" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "PostgreSQL is not installed: sudo apt-get install postgresql" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  BIN=$(find_bin)
fi

# A free port on the loopback address, unless one is given.
PORT=${TEST_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
DIR=$(mktemp -d /tmp/avrr-pg.XXXXXX)
RUN_AS=()
if [ "$(id -u)" = 0 ]; then  # the server refuses to run as root
  chown postgres "$DIR"
  RUN_AS=(runuser -u postgres --)
fi
"${RUN_AS[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U avrr >/dev/null
stop() {
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT
if ! "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c max_connections=200" start >/dev/null; then
  cat "$DIR/server.log" >&2
  exit 1
fi
"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U avrr avrr_test
export TEST_DATABASE_URL="postgresql+asyncpg://avrr@127.0.0.1:$PORT/avrr_test"
echo "PostgreSQL on 127.0.0.1:$PORT (throwaway)"
"$@"
