#!/usr/bin/env bash
# Quick start: run loopbot. With Slack credentials it serves the real app; without, the offline demo.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
[ -f .env ] && set -a && . ./.env && set +a
if [ -n "${SLACK_BOT_TOKEN:-}" ] && { [ -n "${SLACK_SIGNING_SECRET:-}" ] || [ -n "${SLACK_APP_TOKEN:-}" ]; }; then
  loopbot db upgrade
  loopbot content import --if-empty --placeholder-people examples/content
  if [ -n "${SLACK_APP_TOKEN:-}" ]; then
    exec loopbot serve --socket-mode "$@"
  fi
  exec loopbot serve "$@"
fi
exec loopbot demo "$@"
