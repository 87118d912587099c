#!/usr/bin/env bash
# Installs the Debian packages tcpkit needs, by set:
#   demo   what `make demo` needs: a C compiler and its C library headers, make,
#          CMake, and libpcap (found through pkg-config) that the tcpkit binary links
#   check  everything `make check` needs: the demo set plus the test tools
#          (cmocka, libpcap, clang, clang-format, tcpdump, tshark, scapy, chromium
#          for the browser test of the HTML reports, ...) and the board's
#          (gcc-arm-none-eabi, newlib, qemu-system-arm: tests/device) and the
#          AF_XDP and DPDK drivers' (libxdp-dev, libbpf-dev, libdpdk-dev), and nftables
#          (interop 16 drops packets above 1280 bytes as a narrow path would)
# Runs apt-get only when something is missing and we are root; otherwise it
# names what is missing and leaves the decision to the user.
set -euo pipefail
set_name=${1:-check}
demo=(cmake make gcc libc6-dev pkg-config libpcap-dev)
check=("${demo[@]}" clang libcmocka-dev clang-format
       tcpdump tshark python3 python3-scapy iproute2 curl netcat-openbsd iputils-ping chromium
       gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm libxdp-dev libbpf-dev libdpdk-dev ethtool nftables)
case "$set_name" in
    demo) pkgs=("${demo[@]}") ;;
    check) pkgs=("${check[@]}") ;;
    *)
        echo "usage: install-deps.sh [demo|check]" >&2
        exit 2
        ;;
esac
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
if [ "$set_name" = check ]; then
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
