#!/bin/sh
# Installs the Debian packages the server needs to build, test and run, when they are missing:
# PostgreSQL 15 (server binaries for the private cluster), libpq-dev, libssl-dev, pkg-config.
# As root it installs them with apt-get; as another user it names what is missing and stops.
set -eu

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
[ -f /usr/include/postgresql/libpq-fe.h ] || missing="$missing libpq-dev"
[ -f /usr/include/openssl/evp.h ] || missing="$missing libssl-dev"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$missing postgresql postgresql-contrib"
command -v pgbench >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || missing="$missing postgresql-contrib"

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages:$missing — install them with: sudo apt-get install$missing" >&2
    exit 1
fi
echo "installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
