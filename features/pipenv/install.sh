#!/bin/sh
# pipenv: install pipenv in the dev container's image, for templates and images that do not have it.
#
# Runs as root while the image is built; options arrive as upper-cased environment variables.
#   source=debian  Debian's `pipenv` package: signed, from the archive apt already uses. It runs on Debian's
#                  python3 (pulled in if the image has none), and creates or fills whatever environment the
#                  project names (VIRTUAL_ENV, or one of its own) with the project's Python.
#   source=index   pip installs `pipenv` (VERSION, or the newest) from INDEXURL or pip's configuration into
#                  its own venv, /usr/local/py-pipenv, made with the image's python3; only the `pipenv`
#                  command is linked into /usr/local/bin, so its packages never mix with the project's.
# Nothing is cached in the layer (apt lists removed, --no-cache-dir), and an index URL with credentials is
# refused: it would be stored in the image. If pipenv is already on PATH, nothing is installed.
set -eu

source=${SOURCE:-debian}
version=${VERSION:-latest}
index_url=${INDEXURL:-}
tools_venv=/usr/local/py-pipenv

fail() {
    echo "pipenv feature: $*" >&2
    exit 1
}

case "$source" in
    debian|index) ;;
    *) fail "source must be debian or index, not '$source'" ;;
esac
case "$index_url" in
    *://*@*) fail "the index URL $(echo "$index_url" | sed 's|://[^@]*@|://***@|') contains credentials, which would be stored in the image. Give it without them and let pip find the login in a keyring or ~/.netrc." ;;
esac

if command -v pipenv >/dev/null 2>&1; then
    echo "pipenv feature: pipenv is already installed ($(pipenv --version 2>/dev/null || echo unknown version)); nothing to do"
    exit 0
fi

if [ "$source" = debian ]; then
    command -v apt-get >/dev/null 2>&1 || fail "source=debian needs apt-get (a Debian or Ubuntu image); use source=index"
    [ "$version" = latest ] || echo "pipenv feature: version=${version} is ignored with source=debian (the release's package is installed)"
    echo "pipenv feature: installing Debian's pipenv package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends pipenv
    rm -rf /var/lib/apt/lists/*
else
    python=$(command -v python3 || true)
    [ -n "$python" ] || fail "no python3 on PATH: source=index needs an image with Python"
    requirement=pipenv
    if [ "$version" != latest ]; then requirement="pipenv==${version}"; fi
    # pip's options for the chosen index; a plain-HTTP index also has to be trusted by host name.
    set -- --no-cache-dir --disable-pip-version-check --no-input
    if [ -n "$index_url" ]; then
        set -- "$@" --index-url "$index_url"
        case "$index_url" in
            http://*) set -- "$@" --trusted-host "$(echo "$index_url" | sed 's|^http://\([^/:]*\).*|\1|')" ;;
        esac
    fi
    echo "pipenv feature: installing ${requirement} into ${tools_venv} (with ${python})"
    "$python" -m venv "$tools_venv"
    "$tools_venv/bin/python" -m pip install "$@" "$requirement"
    ln -s "$tools_venv/bin/pipenv" /usr/local/bin/pipenv
fi

echo "pipenv feature: $(pipenv --version)"
