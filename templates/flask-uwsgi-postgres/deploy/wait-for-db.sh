#!/bin/sh
# wait-for-db: wait until the PostgreSQL database named by DATABASE_URL accepts connections, then replace
# this shell with the command (exec), so the server becomes PID 1 and gets docker stop's SIGTERM itself.
#
#   ENTRYPOINT ["wait-for-db"]  CMD ["uwsgi"]
#
# Bounded: WAIT_FOR_DB_RETRIES attempts (default 30), WAIT_FOR_DB_INTERVAL seconds apart (default 2), then
# exit 1 so the orchestrator (compose's restart policy, Kubernetes) decides what happens next, instead of
# a server that starts and fails every request. Without DATABASE_URL there is nothing to wait for.
# The URL holds a password: it is never printed.
set -eu

retries=${WAIT_FOR_DB_RETRIES:-30}
interval=${WAIT_FOR_DB_INTERVAL:-2}

# While waiting this shell is PID 1, which ignores SIGTERM unless it handles it: stop at once instead of
# making docker stop wait 10 s and kill.
trap 'echo "wait-for-db: stopped while waiting for the database" >&2; exit 143' TERM INT

if [ -n "${DATABASE_URL:-}" ]; then
    attempt=1
    # One connection attempt with the app's own driver (psycopg), the app's Python, a short timeout.
    until python -c '
import os, sys
import psycopg
try:
    psycopg.connect(os.environ["DATABASE_URL"], connect_timeout=3).close()
except psycopg.OperationalError as error:
    sys.exit("wait-for-db: database not ready: " + (str(error).strip().splitlines() or ["?"])[-1])
'; do
        if [ "$attempt" -ge "$retries" ]; then
            echo "wait-for-db: gave up after ${attempt} attempt(s); check DATABASE_URL and that the database is up" >&2
            exit 1
        fi
        attempt=$((attempt + 1))
        sleep "$interval"
    done
    echo "wait-for-db: database ready after ${attempt} attempt(s)" >&2
fi

exec "$@"
