#!/usr/bin/env bash
# Prepares a checkout for `npm start` and `npm test` (npm runs it as their pre-script):
# installs the exact npm dependencies from package-lock.json when they are missing or older than the
# lock file, then compiles the TypeScript into dist/. The Docker engine, the registry, base images and the
# package index are not installed here: stagepack's engine module brings them up when a command needs them.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "bootstrap: installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
fi
echo "bootstrap: compiling TypeScript"
rm -rf dist
node_modules/.bin/tsc -p .
# The metadata and devcontainer.json schemas as standalone validators: lint then starts without ajv's compiler.
node dist/src/lint/compile-schemas.js >/dev/null
# The CLI in one file with V8's code cache of it (src/bundle.ts): `stagepack lint` starts without finding,
# reading and compiling 160 modules one by one. Without it the CLI runs from dist/src/, only slower to start.
node dist/src/build-bundle.js >/dev/null
