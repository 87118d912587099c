"""Sends SYNs from spoofed sources to tcpkit over the TAP device (SPEC
SEC-2): random addresses in 198.19.0.0/16 behind the kernel side (tcpkit's
gateway, which forwards nothing), random ports and ISNs, the options a
Linux client sends. Usage: synflood.py IF DST_MAC SRC_MAC DST PORT COUNT SEED"""
import random
import sys

from scapy.all import IP, TCP, Ether, conf, sendp  # noqa: E402


def main():
    ifname, dmac, smac, dst, port, count, seed = sys.argv[1:8]
    random.seed(int(seed))
    conf.verb = 0
    frames = []
    for _ in range(int(count)):
        src = "198.19.%d.%d" % (random.randrange(256), random.randrange(1, 255))
        opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (random.randrange(1 << 32), 0)),
                ("NOP", None), ("WScale", 7)]
        frames.append(Ether(dst=dmac, src=smac) /
                      IP(src=src, dst=dst, id=random.randrange(65536)) /
                      TCP(sport=random.randrange(1024, 65536), dport=int(port),
                          seq=random.randrange(1 << 32), flags="S", window=64240,
                          options=opts))
    sendp(frames, iface=ifname)
    print(len(frames))


if __name__ == "__main__":
    main()
