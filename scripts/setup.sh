#!/usr/bin/env bash
# Set up a fresh Debian/Ubuntu machine for reportgen: system packages the PDF and DOCX
# pipeline needs (Times-metric fonts with Vietnamese, HarfBuzz subsetting for reproducible
# PDFs, poppler for text extraction in tests, SoftHSM2 as the PKCS#11 token the signing tests
# sign with, LibreOffice for the DOCX round-trip test, Chromium for the live-preview browser
# test), then a virtual environment in .venv with the
# project installed.
#
#   bash scripts/setup.sh            # runtime + test dependencies
#   REPORTGEN_NO_OFFICE=1 bash scripts/setup.sh   # skip LibreOffice (DOCX->PDF test is skipped)
#   REPORTGEN_NO_BROWSER=1 bash scripts/setup.sh  # skip Chromium (preview browser test is skipped)
#   REPORTGEN_RUNTIME_ONLY=1 bash scripts/setup.sh # only what `reportgen build` needs: fonts and
#                                                  # Pango, no poppler/SoftHSM2/LibreOffice/Chromium, no
#                                                  # test extras (the reports workflow uses this)
#
# Python dependencies are installed at the versions pinned in requirements.lock (pip-tools;
# regenerate with `pip-compile --strip-extras --annotation-style line --output-file
# requirements.lock pyproject.toml` after changing the dependencies in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs="fonts-liberation2 fonts-croscore libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0"
extra="[test]"
if [ -n "${REPORTGEN_RUNTIME_ONLY:-}" ]; then
  REPORTGEN_NO_OFFICE=1 REPORTGEN_NO_BROWSER=1
  extra=""
else
  # softhsm2: a software PKCS#11 token for tests/test_publish.py (`sign --pkcs11-lib`); a
  # user's real token brings its vendor's library instead
  pkgs="$pkgs poppler-utils softhsm2"
fi
if [ -z "${REPORTGEN_NO_OFFICE:-}" ]; then
  pkgs="$pkgs libreoffice-writer-nogui"
fi
if [ -z "${REPORTGEN_NO_BROWSER:-}" ]; then
  pkgs="$pkgs chromium"
fi

missing=""
for p in $pkgs; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing system packages:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: cannot install$missing (no apt-get); install them with your package manager" >&2
  fi
fi

PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -c requirements.lock -e ".$extra"
echo "setup: done (.venv ready)"
