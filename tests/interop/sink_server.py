"""A kernel-side TCP server for the interop tests: accepts one connection,
reads to end of stream, writes the SHA-256 of what it received to a file and
back to the peer, then closes."""
import hashlib
import socket
import sys


def main():
    addr, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(120)
    conn, _ = srv.accept()
    conn.settimeout(280)
    h = hashlib.sha256()
    total = 0
    while True:
        b = conn.recv(262144)
        if not b:
            break
        h.update(b)
        total += len(b)
    digest = h.hexdigest()
    with open(out, "w") as f:
        f.write("%s %d\n" % (digest, total))
    conn.sendall((digest + "\n").encode())
    conn.close()
    srv.close()


if __name__ == "__main__":
    main()
