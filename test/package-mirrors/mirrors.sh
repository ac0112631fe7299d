#!/bin/bash
# Every option set: pip (as root and as an unprivileged user) and apt use the mirrors. (No apt-get update
# here: the machines this runs on reach Debian's archive over HTTPS only through a TLS-intercepting proxy.)
set -e
source dev-container-features-test-lib

check "pip's index-url is the mirror" bash -c "python3 -m pip config list | grep -qxF \"global.index-url='https://pypi.example.com/simple'\""
check "the extra index and trusted host are set" bash -c "python3 -m pip config list | grep -q 'extra.example.com' && python3 -m pip config list | grep -q \"trusted-host='pypi.example.com'\""
check "an unprivileged user's pip reads it too" bash -c "runuser -u nobody -- python3 -m pip config list | grep -q 'pypi.example.com/simple'"
check "apt uses the mirror" grep -rqE "https://deb.debian.org/debian([[:space:]]|$)" /etc/apt/sources.list /etc/apt/sources.list.d
check "the security archive follows it" grep -rqE "https://deb.debian.org/debian-security" /etc/apt/sources.list /etc/apt/sources.list.d

reportResults
