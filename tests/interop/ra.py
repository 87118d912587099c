#!/usr/bin/env python3
"""Sends one router advertisement on IFACE (a scripted router for the SLAAC
interop test): router lifetime 1800 s, source link-layer address, and an
on-link autonomous prefix PREFIX/64. The kernel fills in the ICMPv6
checksum (RFC 3542 3.1) and sends from its link-local address.

usage: ra.py IFACE PREFIX MAC"""
import socket
import struct
import sys

iface, prefix, mac = sys.argv[1], sys.argv[2], sys.argv[3]
idx = socket.if_nametoindex(iface)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, 1800, 0, 0)
slla = bytes([1, 1]) + bytes(int(x, 16) for x in mac.split(":"))
pio = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + socket.inet_pton(socket.AF_INET6, prefix)
s.sendto(ra + slla + pio, ("ff02::1", 0, 0, idx))
