#!/bin/sh
# Checks of the production image that only this template knows about. `stagepack test` runs it inside the
# running app container; you can too:
#   docker build --target app -t myapp . && docker run --rm -i myapp sh -s < .devcontainer/app-test.sh
# POSIX sh on purpose: the app image has no bash guarantees. One line per check; exits non-zero on the first
# failure.
set -eu
cd /app

wsgi_app='${templateOption:wsgiApp}'

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

# module:variable or module:factory(): the module imports and the name is there (a factory is not called:
# it may open connections; gunicorn calls it when it starts).
check "the app user can import ${wsgi_app} (no write access needed)" \
    python -c "import importlib; module, name = '${wsgi_app}'.split(':'); assert callable(getattr(importlib.import_module(module), name.split('(')[0].strip()))"
check "the source is read-only for the app user" sh -c '! test -w .'
check "no dependency file next to the app (it stays in the builder)" \
    sh -c '! test -e requirements.txt && ! test -e pyproject.toml'
echo "app image ok"
