#!/usr/bin/env bash
# Smoke test of the dev container, run by `stagepack test` through `devcontainer exec` (and by you, any
# time: `bash .devcontainer/test.sh`). It checks that the container is the one the template promises:
# the right Python from the shared base, the builder's venv plus the dev-packages, the database service
# reachable, uWSGI serving the app from the same UWSGI_* variables production uses. One line per check;
# exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

expected_python='${templateOption:pythonVersion}'

check() {
    local description=$1
    shift
    if "$@" >/tmp/stagepack-check.log 2>&1; then
        echo "ok - ${description}"
    else
        echo "not ok - ${description}"
        sed 's/^/    /' /tmp/stagepack-check.log
        exit 1
    fi
}

check "runs as the non-root user (uid $(id -u))" test "$(id -u)" -ne 0
check "python is ${expected_python}.x" python -c "import sys; assert '%d.%d' % sys.version_info[:2] == '${expected_python}', sys.version"
check "python comes from the virtual environment /opt/venv" python -c "import sys; assert sys.prefix == '/opt/venv', sys.prefix"
check "Pipfile.lock is up to date with the Pipfile (pipenv verify)" pipenv verify
check "the dev-packages are installed too (pytest)" python -c "import pytest"
check "the db service answers at DATABASE_URL (compose.yaml)" python -c "
import os, psycopg
with psycopg.connect(os.environ['DATABASE_URL'], connect_timeout=5) as connection:
    connection.execute('SELECT 1')
"
check "git and the SSH client are installed" sh -c 'git --version && ssh -V'
# uWSGI from the builder's venv, configured only by the container's UWSGI_* variables, answers and stops.
check "uwsgi serves the app on port ${PORT} from UWSGI_* variables" sh -c '
    uwsgi >/tmp/uwsgi-dev.log 2>&1 &
    server=$!
    trap "kill -TERM $server 2>/dev/null; wait $server 2>/dev/null" EXIT
    python -c "
import os, sys, time, urllib.request
url = \"http://127.0.0.1:%s/health\" % os.environ[\"PORT\"]
for _ in range(40):
    try:
        sys.exit(0 if urllib.request.urlopen(url, timeout=2).status == 200 else 1)
    except OSError:
        time.sleep(0.5)
sys.exit(\"no answer from \" + url)
" || { cat /tmp/uwsgi-dev.log; exit 1; }'
if [ -d tests ]; then
    check "the application's tests pass (pytest)" python -m pytest -q -p no:cacheprovider tests
fi
echo "dev container ok"
