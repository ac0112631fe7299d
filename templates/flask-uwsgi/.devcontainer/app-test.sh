#!/bin/sh
# Checks of the production image that only this template knows about. `stagepack test` runs it inside the
# running app container; you can too:
#   docker build --target app -t myapp . && docker run --rm -i --entrypoint sh myapp -s < .devcontainer/app-test.sh
# POSIX sh on purpose. One line per check; exits non-zero on the first failure.
set -eu
cd /app

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

check "PID 1 is uWSGI itself (wait-for-db exec'd it)" sh -c 'tr "\0" " " </proc/1/cmdline | grep -q "^uwsgi"'
check "without DATABASE_URL, wait-for-db execs its command at once" sh -c 'env -u DATABASE_URL wait-for-db sh -c "exit 7"; test $? -eq 7'
check "with a database that never answers, wait-for-db gives up after WAIT_FOR_DB_RETRIES attempts" sh -c '
    DATABASE_URL=postgresql://probe:secret-password@127.0.0.1:9/none WAIT_FOR_DB_RETRIES=3 WAIT_FOR_DB_INTERVAL=0 \
        wait-for-db true >/tmp/wait.log 2>&1 && exit 1
    grep -q "gave up after 3 attempt" /tmp/wait.log && test "$(grep -c "database not ready" /tmp/wait.log)" -eq 3'
check "wait-for-db never prints the database password" sh -c '! grep -q secret-password /tmp/wait.log'
# In the compose project (or wherever the container is given a DATABASE_URL): the path that ends in exec.
if [ -n "${DATABASE_URL:-}" ]; then
    check "with DATABASE_URL's database up, wait-for-db connects and then execs its command" sh -c '
        wait-for-db sh -c "exit 5" 2>/tmp/ready.log; status=$?
        test "$status" -eq 5 && grep -q "database ready after" /tmp/ready.log'
fi
check "the PostgreSQL driver loads libpq at run time" python -c "import psycopg; assert psycopg.pq.version() > 0"
check "no pipenv, no pip and no Pipfile in the app image" \
    sh -c '! command -v pipenv && ! test -e /opt/venv/bin/pip && ! test -e Pipfile && ! test -e Pipfile.lock'
check "the source is read-only for the app user" sh -c '! test -w .'
echo "app image ok"
