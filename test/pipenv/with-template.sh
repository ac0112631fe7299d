#!/bin/bash
# The feature inside a stagepack template's dev container (stagepack test runs it there with
# `devcontainer exec`, with the package index in PIPENV_PYPI_MIRROR and PIP_INDEX_URL): pipenv locks and
# installs a project from the index as the remote user, into the environment the image names
# (VIRTUAL_ENV=/opt/venv in stagepack's templates), as the pipenv templates use it.
set -euo pipefail

check() {
    local description=$1
    shift
    if "$@" >/tmp/pipenv-check.log 2>&1; then
        echo "ok - ${description}"
    else
        echo "not ok - ${description}"
        sed 's/^/    /' /tmp/pipenv-check.log
        exit 1
    fi
}

project=$(mktemp -d)
cd "$project"
printf '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\nsix = "*"\n' >Pipfile

check "pipenv is on PATH for the remote user $(id -un)" pipenv --version
check "pipenv locks and installs a package from the index (PIPENV_PYPI_MIRROR)" pipenv install
check "the lock file pins six with its hashes" python3 -c "
import json
lock = json.load(open('Pipfile.lock'))
six = lock['default']['six']
assert six['version'].startswith('=='), six
assert six['hashes'], six
"
check "pipenv uses the image's environment (${VIRTUAL_ENV:-none})" test "$(pipenv --venv)" = "${VIRTUAL_ENV:-unset}"
check "the app's python imports six" python -c "import six"
check "pipenv install --deploy accepts the fresh lock" pipenv install --deploy
