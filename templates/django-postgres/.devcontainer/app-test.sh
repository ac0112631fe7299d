#!/bin/sh
# Checks of the production image that only this template knows about. `stagepack test` runs it inside the
# running app container; you can too:
#   docker build --target app -t myapp . && docker run --rm -i myapp sh -s < .devcontainer/app-test.sh
# POSIX sh on purpose. One line per check; exits non-zero on the first failure.
set -eu
cd /app

server='${templateOption:server}'

check() {
    description=$1
    shift
    if "$@" >/tmp/app-check.log 2>&1; then
        echo "ok - ${description}"
    else
        echo "not ok - ${description}"
        sed 's/^/    /' /tmp/app-check.log
        exit 1
    fi
}

check "PID 1 is ${server} itself (start.sh exec'd it)" sh -c "tr '\\0' ' ' < /proc/1/cmdline | grep -q '${server}'"
# The PostgreSQL driver the project installed, if any (psycopg 3 or psycopg2): it must find libpq at run
# time, which the slim runtime has only through runtimePackages. Whether it is installed is asked without
# importing it (an import would fail exactly when libpq is missing). A project without one (SQLite) skips this.
installed() { python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('$1') is None)"; }
if installed psycopg; then
    check "the database driver loads libpq at run time (psycopg)" python -c "import psycopg; print(psycopg.pq.version())"
elif installed psycopg2; then
    check "the database driver loads libpq at run time (psycopg2)" python -c "import psycopg2; print(psycopg2.__libpq_version__)"
fi
check "Django's system checks pass (manage.py check)" python manage.py check
check "no lock file or server requirements in the image" sh -c '! test -e requirements.txt && ! ls deploy/requirements-*.txt'
echo "app image ok"
