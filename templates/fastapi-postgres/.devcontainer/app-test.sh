#!/bin/sh
# Checks of the production image that only this template knows about. `stagepack test` runs it inside the
# running app container; you can too:
#   docker build --target app -t myapp . && docker run --rm -i myapp sh -s < .devcontainer/app-test.sh
# POSIX sh on purpose: the app image has no bash guarantees. One line per check; exits non-zero on the first
# failure.
set -eu
cd /app

bytecode_only='${templateOption:bytecodeOnly}'
dependencies='${templateOption:dependencies}'
asgi_module='${templateOption:asgiApp}'
asgi_module=${asgi_module%%:*}

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

no_python_sources() { test -z "$(find . -name '*.py' -type f | head -n 1)"; }
has_python_sources() { test -n "$(find . -name '*.py' -type f | head -n 1)"; }

if [ "$dependencies" = "pyproject.toml" ]; then
    # Installed as a package: the code is in the virtual environment, /app holds none of it.
    check "the app user imports ${asgi_module} from the installed package in /opt/venv" \
        python -c "import ${asgi_module} as m, sys; assert m.__file__.startswith(sys.prefix), m.__file__"
    check "no copy of the sources in /app" no_python_sources
elif [ "$bytecode_only" = "true" ]; then
    check "the app ships bytecode only (no .py under /app)" no_python_sources
    check "${asgi_module}.pyc is there to import" test -f "${asgi_module}.pyc"
else
    check "the app ships its sources (${asgi_module}.py)" has_python_sources
fi
check "no dependency file next to the app (it stays in the builder)" \
    sh -c '! test -e requirements.txt && ! test -e pyproject.toml'
echo "app image ok"
