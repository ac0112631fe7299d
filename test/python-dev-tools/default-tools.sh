#!/bin/bash
# The default tools from the configured index. The base image has no VIRTUAL_ENV, so they go into the
# separate environment /usr/local/py-dev-tools with their commands linked into /usr/local/bin.
set -e
source dev-container-features-test-lib

check "ruff runs and lints" bash -c 'printf "import os\n" > /tmp/t.py; ! ruff check --select F401 /tmp/t.py'
check "mypy type-checks" bash -c 'printf "x: int = \"a\"\n" > /tmp/m.py; ! mypy --no-error-summary /tmp/m.py && printf "x: int = 1\n" > /tmp/m.py && mypy /tmp/m.py'
check "pytest runs a test" bash -c 'mkdir -p /tmp/pt && printf "def test_ok():\n    assert 1 + 1 == 2\n" > /tmp/pt/test_ok.py && pytest -q -p no:cacheprovider /tmp/pt'
check "debugpy is importable by the tools' Python" /usr/local/py-dev-tools/bin/python -c "import debugpy"
check "commands are links into /usr/local/py-dev-tools" bash -c 'test "$(readlink /usr/local/bin/ruff)" = /usr/local/py-dev-tools/bin/ruff'
check "the tools' python does not shadow the image's" bash -c 'test "$(command -v python3)" != /usr/local/py-dev-tools/bin/python3 && ! test -e /usr/local/bin/python3 -a -L /usr/local/bin/python3'
check "no pip cache left in the image" bash -c '! test -d /root/.cache/pip'

reportResults
