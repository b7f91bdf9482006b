#!/usr/bin/env bash
# Stops the local native cluster started by db-local.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="${DATA_DIR:-.data}"
PGDATA="$(cd "$DATA_DIR" 2>/dev/null && pwd)/pg"
if [ ! -f "$PGDATA/PG_VERSION" ]; then echo "db:stop: no cluster in $PGDATA" >&2; exit 0; fi
BIN="$(pg_config --bindir)"
RUN=(); [ "$(id -u)" = 0 ] && RUN=(runuser -u postgres --)
if "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  "${RUN[@]}" "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  echo "db:stop: stopped" >&2
else
  echo "db:stop: not running" >&2
fi
