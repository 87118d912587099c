"""Connects, exchanges a few bytes, then closes with SO_LINGER {1, 0} so the
kernel sends RST instead of FIN (SPEC RS-2 from the peer's side)."""
import socket
import struct
import sys
import time

s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"ping\n")
assert s.recv(16) == b"ping\n"
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()
time.sleep(0.2)
