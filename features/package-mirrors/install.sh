#!/bin/sh
# package-mirrors: point pip and apt at the organisation's mirrors, in the dev container's image.
#
# Runs as root while the dev container's image is built. Options arrive as upper-cased environment
# variables. Writes /etc/pip.conf (read by pip for every user, so it works for the non-root remote user)
# and rewrites apt's sources. Refuses URLs that carry credentials: whatever a feature writes ends up in an
# image layer, where anyone who can pull the image can read it.
set -eu

pip_index_url=${PIPINDEXURL:-}
pip_extra_index_urls=${PIPEXTRAINDEXURLS:-}
pip_trusted_hosts=${PIPTRUSTEDHOSTS:-}
apt_mirror=${APTMIRROR:-}

fail() {
    echo "package-mirrors: $*" >&2
    exit 1
}

# scheme://user:password@host/... or scheme://token@host/...: refuse, naming the fix.
for url in $pip_index_url $pip_extra_index_urls $apt_mirror; do
    case "$url" in
        *://*@*) fail "the URL $(echo "$url" | sed 's|://[^@]*@|://***@|') contains credentials, which would be stored in the image. Give the URL without them and supply the login through pip's keyring, ~/.netrc or a build secret (apt: /etc/apt/auth.conf.d)." ;;
    esac
done

if [ -n "$pip_index_url$pip_extra_index_urls$pip_trusted_hosts" ]; then
    {
        echo "# Written by the package-mirrors dev container feature. No credentials here: see its README."
        echo "[global]"
        if [ -n "$pip_index_url" ]; then echo "index-url = $pip_index_url"; fi
        if [ -n "$pip_extra_index_urls" ]; then echo "extra-index-url = $pip_extra_index_urls"; fi
        if [ -n "$pip_trusted_hosts" ]; then echo "trusted-host = $pip_trusted_hosts"; fi
    } >/etc/pip.conf
    chmod 0644 /etc/pip.conf
    echo "package-mirrors: pip uses /etc/pip.conf:"
    sed 's/^/    /' /etc/pip.conf
fi

if [ -n "$apt_mirror" ]; then
    apt_mirror=${apt_mirror%/}
    changed=0
    # Debian 12+ images use deb822 files (/etc/apt/sources.list.d/*.sources), older ones sources.list.
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        sed -i "s|http://deb.debian.org/debian|${apt_mirror}|g" "$file"
        changed=1
    done
    [ "$changed" = 1 ] || fail "no apt sources found to point at ${apt_mirror} (is this a Debian-based image?)"
    echo "package-mirrors: apt uses ${apt_mirror}"
fi
