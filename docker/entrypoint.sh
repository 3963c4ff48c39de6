#!/bin/sh
# Starts one role of the stack: web, worker or beat (the compose command).
# Only the web role migrates: workers and beat start beside it and must not
# race it to the same schema change. Compose starts them after web is
# healthy, so they find the schema in place.
set -eu

if [ "${1:-}" = "gunicorn" ]; then
  python manage.py migrate --no-input
fi

exec "$@"
