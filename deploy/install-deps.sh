#!/bin/sh
# Installs the Debian packages the server needs to build, test and run, when they are missing:
# PostgreSQL 15 (server binaries for the private cluster), libpq-dev, libssl-dev, zlib1g-dev, pkg-config;
# Chromium and fonts with Cyrillic (Liberation, DejaVu) for the PDF documents the server makes
# at run time (Sources/Documents, PDFConverter);
# with --tests also what the browser tests (Tests/Browser) need: Chromium's driver, and
# selenium and pytest for Python (from PyPI for the PATH's python3, else Debian's packages), and
# poppler-utils (pdftotext, pdftoppm) for the document tests, and aiosmtpd (PyPI) for the real
# SMTP server the e-mail tests start (Tests/TestSupport/smtp_test_server.py), openssl for its certificate.
# As root it installs them with apt-get; as another user it names what is missing and stops.
set -eu

missing=""
command -v pkg-config >/dev/null 2>&1 || missing="$missing pkg-config"
[ -f /usr/include/postgresql/libpq-fe.h ] || missing="$missing libpq-dev"
[ -f /usr/include/openssl/evp.h ] || missing="$missing libssl-dev"
[ -f /usr/include/zlib.h ] || missing="$missing zlib1g-dev"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$missing postgresql postgresql-contrib"
command -v pgbench >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || missing="$missing postgresql-contrib"
# The PDF converter of documents, also in plain mode: the server runs it.
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
[ -f /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf ] || missing="$missing fonts-liberation2"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$missing fonts-dejavu-core"
if [ "${1:-}" = "--tests" ]; then
    command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 || missing="$missing poppler-utils"
    command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
    python_ok() { python3 -c 'import selenium, pytest' >/dev/null 2>&1 || /usr/bin/python3 -c 'import selenium, pytest' >/dev/null 2>&1; }
    if ! python_ok && [ "$(id -u)" -eq 0 ] && command -v python3 >/dev/null 2>&1; then
        python3 -m pip install --quiet --disable-pip-version-check selenium pytest >/dev/null 2>&1 || true
    fi
    python_ok || missing="$missing python3-selenium python3-pytest"
    command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
    # The e-mail tests' SMTP server: aiosmtpd from PyPI (Debian's python3-aiosmtpd otherwise).
    aiosmtpd_ok() { python3 -c 'import aiosmtpd' >/dev/null 2>&1; }
    if ! aiosmtpd_ok && [ "$(id -u)" -eq 0 ] && command -v python3 >/dev/null 2>&1; then
        python3 -m pip install --quiet --disable-pip-version-check aiosmtpd >/dev/null 2>&1 || true
    fi
    aiosmtpd_ok || missing="$missing python3-aiosmtpd"
    # The TOTP tests compare codes with pyotp from PyPI (Debian's python3-pyotp otherwise).
    pyotp_ok() { python3 -c 'import pyotp' >/dev/null 2>&1; }
    if ! pyotp_ok && [ "$(id -u)" -eq 0 ] && command -v python3 >/dev/null 2>&1; then
        python3 -m pip install --quiet --disable-pip-version-check pyotp >/dev/null 2>&1 || true
    fi
    pyotp_ok || missing="$missing python3-pyotp"
    # The HTTP fuzz (Tests/HTTPFuzz) uses schemathesis from PyPI.
    if ! command -v schemathesis >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v python3 >/dev/null 2>&1; then
        python3 -m pip install --quiet --disable-pip-version-check schemathesis >/dev/null 2>&1 || true
    fi
fi

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
