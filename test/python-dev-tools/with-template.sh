#!/bin/bash
# The feature inside a stagepack template's dev container (stagepack test runs it there with
# `devcontainer exec`): the image names a virtual environment, so with installInto=auto the tools must be in
# it, usable by the remote user, and importable by the app's own Python.
set -euo pipefail

check() {
    local description=$1
    shift
    if "$@" >/tmp/python-dev-tools-check.log 2>&1; then
        echo "ok - ${description}"
    else
        echo "not ok - ${description}"
        sed 's/^/    /' /tmp/python-dev-tools-check.log
        exit 1
    fi
}

check "the image names a virtual environment (VIRTUAL_ENV=${VIRTUAL_ENV:-})" test -n "${VIRTUAL_ENV:-}"
for tool in ruff mypy pytest debugpy; do
    check "${tool} is in ${VIRTUAL_ENV}/bin" test -x "${VIRTUAL_ENV}/bin/${tool}"
done
check "ruff on PATH is the venv's" test "$(command -v ruff)" = "${VIRTUAL_ENV}/bin/ruff"
check "the venv still belongs to the remote user $(id -un)" test "$(stat -c %U "${VIRTUAL_ENV}/bin/ruff")" = "$(id -un)"
check "the app's python imports pytest, mypy and debugpy" python -c "import pytest, mypy, debugpy"
check "the remote user can still install into the venv" test -w "${VIRTUAL_ENV}/lib"
