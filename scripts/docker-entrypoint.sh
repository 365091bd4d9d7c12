#!/bin/sh
# Container entrypoint: build DATABASE_URL if needed, migrate, import content, then run loopbot
# (default: `loopbot serve`).
set -eu
# docker-compose passes the PostgreSQL parts: any character may be in the password (@ / # % included),
# so the URL is put together here with each part percent-encoded, not by string interpolation.
if [ -z "${DATABASE_URL:-}" ] && [ -n "${POSTGRES_HOST:-}" ]; then
  DATABASE_URL="$(python -c 'import os; from urllib.parse import quote as q; e = os.environ; print(
    "postgresql://" + q(e.get("POSTGRES_USER", "loopbot"), safe="") + ":" + q(e.get("POSTGRES_PASSWORD", ""), safe="")
    + "@" + e["POSTGRES_HOST"] + ":" + e.get("POSTGRES_PORT", "5432") + "/" + q(e.get("POSTGRES_DB", "loopbot"), safe=""))')"
  export DATABASE_URL
fi
loopbot db upgrade
if [ -n "${LOOPBOT_CONTENT_DIR:-}" ]; then
  # Your own content (mounted from git) is the source of truth: imported on every start. The bundled
  # examples only seed an empty database, so they never overwrite what you imported since.
  case "$LOOPBOT_CONTENT_DIR" in
    /app/examples/*) loopbot content import --if-empty --placeholder-people "$LOOPBOT_CONTENT_DIR" ;;
    *) loopbot content import "$LOOPBOT_CONTENT_DIR" ;;
  esac
fi
exec loopbot "$@"
