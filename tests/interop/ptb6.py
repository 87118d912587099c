"""Interop 16's Packet Too Big (RFC 4443 3.2, RFC 8201): waits on IFACE for
a TCP segment from TCPKIT_ADDR whose IPv6 packet is longer than MTU, then
sends tcpkit an ICMPv6 Packet Too Big from ROUTER_ADDR with that MTU,
quoting the start of the segment (as a router on the path would). Prints
the length of the packet it quoted. Bounded: gives up after 20 s."""
import sys

from scapy.all import AsyncSniffer, Ether, ICMPv6PacketTooBig, IPv6, TCP, raw, sendp


def main():
    iface, tcpkit, router, mtu = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

    def big(p):
        return IPv6 in p and TCP in p and p[IPv6].src == tcpkit and len(p[IPv6]) > mtu

    sn = AsyncSniffer(iface=iface, lfilter=big, count=1, timeout=20)
    sn.start()
    sn.join()
    if not sn.results:
        print("no segment above %d bytes from %s" % (mtu, tcpkit))
        return 1
    p = sn.results[0]
    quote = raw(p[IPv6])[: 1280 - 40 - 8]
    err = (Ether(src=p[Ether].dst, dst=p[Ether].src) / IPv6(src=router, dst=tcpkit, hlim=255)
           / ICMPv6PacketTooBig(mtu=mtu) / quote)
    sendp(err, iface=iface, verbose=False)
    print(len(p[IPv6]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
