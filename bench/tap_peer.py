"""Kernel-side programs for the TAP benchmark (bench/tap_bench.sh).

  tap_peer.py send HOST PORT BYTES     write BYTES, half-close, wait for EOF
  tap_peer.py recv HOST PORT BYTES     read BYTES, then close
  tap_peer.py conns HOST PORT N        N sequential connect/close pairs
  tap_peer.py serve MODE PORT          a kernel server: discard|chargen|close

Clients print one line: `seconds=<wall time> bytes=<n>` or `conns=<n>`.
With TK_PEER_CC set (e.g. cubic), send and recv use that congestion control
on their socket (root may choose any the kernel has, whatever
net.ipv4.tcp_allowed_congestion_control says)."""
import os
import socket
import sys
import time


def connect(host, port):
    """A connection with TK_PEER_CC's congestion control when it is set."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(60)
    cc = os.environ.get("TK_PEER_CC")
    if cc:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
    s.connect((host, port))
    return s


def send(host, port, total):
    s = connect(host, port)
    buf = b"\0" * 262144
    t0 = time.monotonic()
    left = total
    while left > 0:
        n = s.send(buf[: min(left, len(buf))])
        left -= n
    s.shutdown(socket.SHUT_WR)
    while s.recv(65536):
        pass
    dt = time.monotonic() - t0
    s.close()
    print("seconds=%.6f bytes=%d" % (dt, total))


def recv(host, port, total):
    s = connect(host, port)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    t0 = time.monotonic()
    got = 0
    buf = bytearray(262144)
    while got < total:
        n = s.recv_into(buf)
        if n == 0:
            break
        got += n
    dt = time.monotonic() - t0
    s.close()
    print("seconds=%.6f bytes=%d" % (dt, got))


def conns(host, port, n):
    t0 = time.monotonic()
    for _ in range(n):
        s = socket.create_connection((host, port), timeout=10)
        s.close()
    dt = time.monotonic() - t0
    print("seconds=%.6f conns=%d" % (dt, n))


def serve(mode, port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(128)
    buf = b"x" * 262144
    while True:
        c, _ = srv.accept()
        try:
            if mode == "discard":
                while c.recv(262144):
                    pass
            elif mode == "chargen":
                while True:
                    c.send(buf)
        except OSError:
            pass
        c.close()


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        {"send": send, "recv": recv, "conns": conns}[cmd](
            sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
