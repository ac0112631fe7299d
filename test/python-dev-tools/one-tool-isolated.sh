#!/bin/bash
# Only ruff, explicitly isolated: nothing else is installed or linked.
set -e
source dev-container-features-test-lib

check "ruff runs" ruff --version
check "mypy was not installed" bash -c '! command -v mypy'
check "pytest was not installed" bash -c '! command -v pytest'

reportResults
