#!/usr/bin/env bash
# SPDX-License-Identifier: EUPL-1.2
# Run a command against a private PostgreSQL cluster in a temporary directory on 127.0.0.1,
# then stop the cluster. DATABASE_URL points the command at it.
# PostgreSQL refuses to run as root, so as root the cluster runs as the user `postgres`.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pgbin" ]; then
  echo "PostgreSQL is not installed: run scripts/install-system-deps.sh" >&2
  exit 1
fi

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

dir=$(mktemp -d /tmp/llo-pg.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

stop() {
  as_pg "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_pg "$pgbin/initdb" -D "$dir/data" -U llo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Tuned for a throw-away test cluster: durability is not needed, speed is.
cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 256MB
fsync = ${LLO_PG_FSYNC:-off}
synchronous_commit = ${LLO_PG_SYNC_COMMIT:-off}
full_page_writes = ${LLO_PG_FSYNC:-off}
CONF
as_pg "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start >/dev/null
as_pg "$pgbin/createdb" -h 127.0.0.1 -p "$port" -U llo llo

export DATABASE_URL="postgres://llo@127.0.0.1:$port/llo"
export LLO_PG_BIN="$pgbin"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
