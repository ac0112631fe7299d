#!/usr/bin/env bash
# Smoke test of the dev container, run by `stagepack test` through `devcontainer exec` (and by you, any
# time: `bash .devcontainer/test.sh`). It checks that the container is the one the template promises:
# the right Python from the shared base, the pipenv environment created on create, git and SSH, and an
# app that Streamlit can load. Prints one line per check; exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

expected_python='${templateOption:pythonVersion}'
app_script='${templateOption:appScript}'

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
check "pipenv is installed and uses /opt/venv" sh -c 'test "$(pipenv --venv)" = /opt/venv'
check "Pipfile.lock is up to date with the Pipfile (pipenv verify)" pipenv verify
check "postCreateCommand installed every locked package at its locked version" python - <<'PY'
import json
from importlib.metadata import PackageNotFoundError, version

lock = json.load(open("Pipfile.lock"))
wrong = []
for section in ("default", "develop"):
    for name, entry in lock.get(section, {}).items():
        wanted = entry.get("version", "").lstrip("=")
        try:
            have = version(name)
        except PackageNotFoundError:
            have = "missing"
        if wanted and have != wanted:
            wrong.append(f"{name}: locked {wanted}, installed {have}")
assert not wrong, "\n".join(wrong)
PY
check "git and the SSH client are installed" sh -c 'git --version && ssh -V'
# The dev server really starts on the template's port and reports healthy, then is stopped.
check "streamlit run ${app_script} answers /_stcore/health on port ${STREAMLIT_SERVER_PORT}" sh -c '
    streamlit run "$0" --server.headless true >/tmp/streamlit-dev.log 2>&1 &
    server=$!
    trap "kill $server 2>/dev/null" EXIT
    python -c "
import os, sys, time, urllib.request
url = \"http://127.0.0.1:%s/_stcore/health\" % os.environ[\"STREAMLIT_SERVER_PORT\"]
for _ in range(60):
    try:
        sys.exit(0 if urllib.request.urlopen(url, timeout=2).status == 200 else 1)
    except OSError:
        time.sleep(0.5)
sys.exit(\"no answer from \" + url)
" || { cat /tmp/streamlit-dev.log; exit 1; }' "${app_script}"
if [ -d tests ]; then
    check "the application's tests pass (pytest)" python -m pytest -q -p no:cacheprovider tests
fi
echo "dev container ok"
