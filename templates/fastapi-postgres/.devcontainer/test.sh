#!/usr/bin/env bash
# Smoke test of the dev container, run by `stagepack test` through `devcontainer exec` (and by you, any
# time: `bash .devcontainer/test.sh`). It checks that the container is the one the template promises:
# the right Python from the shared base, the virtual environment, the tools, and an app that imports and
# passes its own tests. Prints one line per check; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

expected_python='${templateOption:pythonVersion}'
asgi_app='${templateOption:asgiApp}'
source_dir='${templateOption:sourceDir}'
apt_mirror='${templateOption:aptMirror}'

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
check "the virtual environment is writable (pip install works)" test -w /opt/venv/lib
check "git is installed" git --version
check "apt uses the mirror ${apt_mirror}" grep -rqE "${apt_mirror%/}([[:space:]]|$)" /etc/apt/sources.list /etc/apt/sources.list.d
check "installed packages have consistent dependencies (pip check)" python -m pip check
check "gunicorn with uvicorn workers loads ${asgi_app} from ${source_dir}/" \
    gunicorn --check-config --worker-class uvicorn.workers.UvicornWorker --chdir "${source_dir}" "${asgi_app}"
# postCreateCommand migrated the compose project's database: the dev container reaches it and it is current.
if [ -f "${source_dir}/alembic.ini" ]; then
    check "the development database is reachable and at the latest migration (alembic check)" \
        sh -c "cd '${source_dir}' && alembic check"
fi
if [ -d tests ]; then
    check "the application's tests pass (pytest)" python -m pytest -q -p no:cacheprovider tests
fi
echo "dev container ok"
