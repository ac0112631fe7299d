#!/bin/sh
# Entrypoint of stagepack's stand-in for the official `postgres` image, used only where Docker Hub is out of
# reach. It honours the part of the official image's contract that compose files rely on:
#   POSTGRES_PASSWORD  required on first start (the superuser's password; hosts authenticate with scram-sha-256)
#   POSTGRES_USER      the superuser (default postgres)
#   POSTGRES_DB        a database created on first start (default: the user's name)
#   PGDATA             the cluster's folder (default /var/lib/postgresql/data, the official volume path)
# and then runs the server in the foreground as the unprivileged `postgres` user, as PID 1, so `docker stop`'s
# SIGTERM reaches it (a "smart" shutdown). Not supported: /docker-entrypoint-initdb.d, POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD. It is written for stagepack; it copies nothing from the official image.
set -eu

: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA

# Anything other than the server (`psql`, `bash`, `pg_isready`) runs as asked.
if [ "${1:-postgres}" != postgres ]; then
    exec "$@"
fi

# As root: give the data and socket folders to postgres (a fresh named volume belongs to root), then start
# this script again as postgres. setpriv is util-linux's, which every Debian system has.
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" /var/run/postgresql
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ]; then
        echo "postgres stand-in: POSTGRES_PASSWORD is not set; set it for the database service" >&2
        exit 1
    fi
    # The password goes through a file readable only by postgres, never through the command line.
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    # Other containers reach the server over the compose network: listen everywhere, demand a password.
    echo "listen_addresses = '*'" >>"$PGDATA/postgresql.conf"
    echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != postgres ]; then
        # A server on the socket only, for the one statement; the database's name is quoted as an identifier.
        pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
        psql -v ON_ERROR_STOP=1 --username="$POSTGRES_USER" --dbname=postgres --quiet \
            --set=db="$POSTGRES_DB" <<'SQL'
CREATE DATABASE :"db";
SQL
        pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    fi
    echo "postgres stand-in: initialised $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
fi

exec "$@"
