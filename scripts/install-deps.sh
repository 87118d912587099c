#!/usr/bin/env bash
# Installs the Debian packages that building and testing tcpkit needs.
# Runs apt-get only when something is missing and we are root; otherwise it
# names what is missing and leaves the decision to the user.
set -euo pipefail
pkgs=(cmake make gcc clang pkg-config libcmocka-dev libpcap-dev clang-format
      tcpdump tshark python3 python3-scapy iproute2 curl netcat-openbsd
      iputils-ping)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${missing[*]} (run as root or install them)" >&2
    exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
