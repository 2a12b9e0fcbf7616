#!/usr/bin/env bash
# Runs a command with a reachable Secret Service. When none is reachable (a headless Linux, CI),
# it starts a private D-Bus session with an unlocked gnome-keyring, so `npm test` is one command
# everywhere. On macOS and Windows the OS keychain is always there.
set -euo pipefail

# The project's Node (the `node` package, the major Electron embeds) for whatever runs here, also
# when this script is started outside npm, which already puts node_modules/.bin first.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -x "$root/node_modules/.bin/node" ]; then
  export PATH="$root/node_modules/.bin:$PATH"
fi

secret_service_reachable() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
  command -v dbus-send >/dev/null || return 1
  dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null |
    grep -q 'boolean true'
}

if [ "$(uname -s)" != "Linux" ] || [ -n "${SPLATTR_KEYRING_STARTED:-}" ] || secret_service_reachable; then
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null; then
    echo "No Secret Service is running and $tool is missing: install dbus and gnome-keyring (see README)." >&2
    exit 1
  fi
done

# A throwaway keyring folder for the daemon only; the tests make their own HOMEs.
keyring_data=$(mktemp -d)
trap 'rm -rf "$keyring_data"' EXIT
export SPLATTR_KEYRING_STARTED=1
dbus-run-session -- env KEYRING_DATA="$keyring_data" bash -c '
  printf "splattr-test" | XDG_DATA_HOME="$KEYRING_DATA" \
    gnome-keyring-daemon --unlock --components=secrets >/dev/null
  unset KEYRING_DATA
  exec "$@"
' bash "$@"
