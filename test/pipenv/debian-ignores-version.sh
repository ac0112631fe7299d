#!/bin/bash
# source=debian on the full Python image, with a version the Debian package cannot honour: the feature says
# it ignores the version (in the build log) and installs the release's package, which then works.
set -e
source dev-container-features-test-lib

check "pipenv runs" pipenv --version
check "pipenv is Debian's package" bash -c 'dpkg -s pipenv | grep -q "^Status: install ok installed"'
check "pipenv runs its own checks on an empty project" bash -c '
    project=$(mktemp -d) && cd "$project"
    printf "[packages]\n" >Pipfile
    PIPENV_VENV_IN_PROJECT=1 pipenv install --skip-lock >/dev/null 2>&1
    test -x .venv/bin/python'

reportResults
