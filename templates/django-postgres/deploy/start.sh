#!/bin/sh
# Starts the WSGI server named by SERVER (set in the image from the template's `server` option). `exec`
# replaces this shell with the server, which then is PID 1 and receives `docker stop`'s SIGTERM itself.
set -eu
cd /app
case "${SERVER:-}" in
    gunicorn) exec gunicorn --config deploy/gunicorn.conf.py ;;
    uwsgi) exec uwsgi --ini deploy/uwsgi.ini ;;
    *)
        echo "start.sh: SERVER must be gunicorn or uwsgi, not '${SERVER:-}'" >&2
        exit 64
        ;;
esac
