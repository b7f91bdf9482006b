#!/usr/bin/env bash
# Starts a local native PostgreSQL + PostGIS cluster for development and CI, in $DATA_DIR/pg
# (default .data/pg), listening on 127.0.0.1:$PGPORT (default 54329), and prints DATABASE_URL.
# Installs Debian's postgresql-15-postgis-3 first when it is missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA_DIR="${DATA_DIR:-.data}"
PGPORT="${PGPORT:-54329}"
DB_NAME="${DB_NAME:-onemap}"
mkdir -p "$DATA_DIR"
PGDATA="$(cd "$DATA_DIR" && pwd)/pg"

log() { echo "db:local: $*" >&2; }

have_postgis() {
  command -v pg_config >/dev/null 2>&1 || return 1
  local share; share="$(pg_config --sharedir)"
  [ -x "$(pg_config --bindir)/initdb" ] && ls "$share"/extension/postgis.control >/dev/null 2>&1
}

if ! have_postgis; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing postgresql-15-postgis-3 (Debian)…"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql-15 postgresql-15-postgis-3 postgresql-contrib >/dev/null
  else
    log "PostgreSQL 15 with PostGIS 3 is not installed. Install it: sudo apt-get install postgresql-15-postgis-3"
    exit 1
  fi
fi
have_postgis || { log "PostGIS still not found after installing"; exit 1; }
BIN="$(pg_config --bindir)"

# PostgreSQL refuses to run as root: run the cluster as the postgres user, in a dir it owns.
if [ "$(id -u)" = 0 ]; then
  RUN=(runuser -u postgres --)
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
else
  RUN=()
fi

if [ ! -f "$PGDATA/PG_VERSION" ]; then
  log "initialising a cluster in $PGDATA"
  "${RUN[@]}" "$BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$PGDATA/postgresql.conf" <<CONF
# Ping'an OneMap development cluster
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA'
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 1GB
max_wal_size = 4GB
# A development cluster: speed over durability of the last transactions on a crash.
synchronous_commit = off
CONF
fi

if "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "already running"
else
  "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null
  log "started on 127.0.0.1:$PGPORT"
fi

PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB_NAME"
  log "created database $DB_NAME"
fi

echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/$DB_NAME"
