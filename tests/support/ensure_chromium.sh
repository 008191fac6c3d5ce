#!/bin/sh
# `make test` calls this before the suite: the browser tests drive Debian's chromium (never a
# browser that a test tool downloads). Installs it when missing and running as root; otherwise
# stops with one line that says what to do.
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get install chromium)..."
  if apt-get update -qq >/dev/null && \
     DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 && \
     command -v chromium >/dev/null 2>&1; then
    exit 0
  fi
  echo "Could not install chromium with apt-get: install the package chromium, or run 'make test BROWSER=no' to run the tests without a browser." >&2
  exit 1
fi
echo "The browser tests need Debian's package chromium: install it (sudo apt-get install chromium), or run 'make test BROWSER=no' to run the tests without a browser." >&2
exit 1
