#!/bin/sh
# Install the Debian packages named on the command line that are not installed yet.
# Runs apt-get as root, or through sudo; does nothing when everything is there.
set -eu
missing=""
for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1; then
    run="sudo"
else
    echo "make: these Debian packages are missing and neither root nor sudo is available:$missing" >&2
    exit 1
fi
echo "Installing Debian packages:$missing"
$run env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
