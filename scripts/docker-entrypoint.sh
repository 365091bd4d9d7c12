#!/bin/sh
# Container entrypoint: migrate, import content if asked, then run loopbot (default: `loopbot serve`).
set -eu
loopbot db upgrade
if [ -n "${LOOPBOT_CONTENT_DIR:-}" ]; then
  loopbot content import "$LOOPBOT_CONTENT_DIR"
fi
exec loopbot "$@"
