#!/bin/sh
# Checks of the production image that only this template knows about. `stagepack test` runs it inside the
# running app container; you can too:
#   docker build --target app -t myapp . && docker run --rm -i myapp sh -s < .devcontainer/app-test.sh
# POSIX sh on purpose: the app image has no bash guarantees. One line per check; exits non-zero on the first
# failure.
set -eu
cd /app

app_script='${templateOption:appScript}'

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

check "pipenv is not in the app image (the builder used it; production needs only the venv)" \
    sh -c '! command -v pipenv && ! python -c "import pipenv"'
check "the venv has no pip (nothing installs at run time)" sh -c '! test -e /opt/venv/bin/pip'
check "neither Pipfile nor Pipfile.lock is next to the app" sh -c '! test -e Pipfile && ! test -e Pipfile.lock'
check "the script ${app_script} is there, read-only for the app user" sh -c "test -f '${app_script}' && ! test -w '${app_script}' && ! test -w ."
check "PID 1 is the Streamlit server" sh -c "tr '\\0' ' ' </proc/1/cmdline | grep -q 'streamlit run ${app_script}'"
echo "app image ok"
