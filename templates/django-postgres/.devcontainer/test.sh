#!/usr/bin/env bash
# Smoke test of the dev container, run by `stagepack test` through `devcontainer exec` (and by you, any
# time: `bash .devcontainer/test.sh`). It checks that the container is the one the template promises:
# the right Python from the shared base, the virtual environment, the runtime libraries, the compose
# project's database, and a project that passes Django's checks and its own tests. One line per check;
# exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

expected_python='${templateOption:pythonVersion}'
runtime_packages='${templateOption:runtimePackages}'
source_dir='${templateOption:sourceDir}'

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
for package in ${runtime_packages}; do
    check "the runtime package ${package} is installed" dpkg --status "${package}"
done
check "installed packages have consistent dependencies (pip check)" python -m pip check
check "Django's system checks pass (manage.py check)" python "${source_dir}/manage.py" check
# postCreateCommand migrated the compose project's database: the dev container reaches it and it is current.
check "the development database is reachable and migrated (manage.py migrate --check)" python "${source_dir}/manage.py" migrate --check
if [ -d tests ]; then
    check "the project's tests pass (pytest)" python -m pytest -q -p no:cacheprovider tests
fi
echo "dev container ok"
