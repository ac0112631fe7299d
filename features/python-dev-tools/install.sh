#!/bin/sh
# python-dev-tools: install Python developer tools (ruff, mypy, pytest, debugpy by default) in the dev
# container's image, from the configured package index.
#
# Runs as root while the image is built; options arrive as upper-cased environment variables. Where the
# tools go:
#   auto       the image's virtual environment (VIRTUAL_ENV, e.g. /opt/venv in stagepack's templates), so
#              pytest imports the app, mypy sees its packages and debugpy runs it. The venv keeps its owner.
#   isolated   (or no VIRTUAL_ENV) a separate venv, /usr/local/py-dev-tools, with only the tools' commands
#              linked into /usr/local/bin: its python never shadows the project's.
# Nothing is cached in the layer (--no-cache-dir), and an index URL with credentials is refused: it would
# be stored in the image.
set -eu

tools=${TOOLS:-ruff mypy pytest debugpy}
index_url=${INDEXURL:-}
install_into=${INSTALLINTO:-auto}
tools_venv=/usr/local/py-dev-tools

fail() {
    echo "python-dev-tools: $*" >&2
    exit 1
}

case "$index_url" in
    *://*@*) fail "the index URL $(echo "$index_url" | sed 's|://[^@]*@|://***@|') contains credentials, which would be stored in the image. Give it without them and let pip find the login in a keyring or ~/.netrc." ;;
esac
case "$install_into" in
    auto|isolated) ;;
    *) fail "installInto must be auto or isolated, not '$install_into'" ;;
esac
[ -n "$tools" ] || fail "the tools option is empty: name at least one requirement (e.g. ruff)"

# pip's options for the chosen index; a plain-HTTP index also has to be trusted by host name.
set -- --no-cache-dir --disable-pip-version-check --no-input
if [ -n "$index_url" ]; then
    set -- "$@" --index-url "$index_url"
    case "$index_url" in
        http://*) set -- "$@" --trusted-host "$(echo "$index_url" | sed 's|^http://\([^/:]*\).*|\1|')" ;;
    esac
fi

venv=${VIRTUAL_ENV:-}
if [ "$install_into" = auto ] && [ -n "$venv" ] && [ -x "$venv/bin/python" ]; then
    echo "python-dev-tools: installing ${tools} into the image's virtual environment ${venv}"
    if "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
        # shellcheck disable=SC2086 # tools is a space-separated list of requirements
        "$venv/bin/python" -m pip install "$@" $tools
    elif command -v pip >/dev/null 2>&1 && pip --python "$venv/bin/python" --version >/dev/null 2>&1; then
        # A venv made --without-pip: the image's own pip installs into it (pip 22.3+).
        # shellcheck disable=SC2086
        pip --python "$venv/bin/python" install "$@" $tools
    else
        fail "${venv} has no pip and the image's pip cannot install into it; set installInto to isolated"
    fi
    # Installed as root: give the files back to the venv's owner (the dev user, in stagepack's templates).
    chown -R "$(stat -c %u:%g "$venv")" "$venv"
    bin_dir="$venv/bin"
else
    python=$(command -v python3 || true)
    [ -n "$python" ] || fail "no python3 on PATH: this feature needs an image with Python"
    echo "python-dev-tools: installing ${tools} into ${tools_venv} (with ${python})"
    "$python" -m venv "$tools_venv"
    # shellcheck disable=SC2086
    "$tools_venv/bin/python" -m pip install "$@" $tools
    # Link the tools' commands, never the venv's own python or pip, and never over an existing command.
    for command in "$tools_venv"/bin/*; do
        name=$(basename "$command")
        case "$name" in
            python*|pip*|activate*|Activate*) continue ;;
        esac
        if [ ! -e "/usr/local/bin/$name" ]; then ln -s "$command" "/usr/local/bin/$name"; fi
    done
    bin_dir="$tools_venv/bin"
fi

for tool in $tools; do
    # The distribution name, without version specifiers or extras, is also its command for these tools.
    name=$(echo "$tool" | sed 's/[][<>=!~;].*//')
    if [ -x "$bin_dir/$name" ]; then
        echo "python-dev-tools: $("$bin_dir/$name" --version 2>&1 | head -n 1)"
    fi
done
