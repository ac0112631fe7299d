#!/bin/bash
# source=index from the package index of the test run: pipenv in its own venv, only its command linked,
# no Debian package, no pip cache left in the image. (stagepack test skips this scenario, saying why, where
# that index has no pipenv.)
set -e
source dev-container-features-test-lib

check "pipenv runs" pipenv --version
check "the pipenv command is the tools venv's" test "$(readlink /usr/local/bin/pipenv)" = /usr/local/py-pipenv/bin/pipenv
check "not Debian's package" bash -c '! dpkg -s pipenv >/dev/null 2>&1'
check "no pip cache in the image" bash -c '! test -d /root/.cache/pip'
check "the tools venv's python is not on PATH" bash -c 'test "$(command -v python3)" != /usr/local/py-pipenv/bin/python3'

reportResults
