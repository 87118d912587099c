#!/usr/bin/env python3
"""SPEC OBS-5, OBS-7, OBS-8 on captures and scripts: `tcpkit analyze` and
`tcpkit run` pictures agree with their --json, the text report and tshark.

  lossy  the simulator's lossy transfer captured with --pcap: one arrow per
         packet (in the ladder SVG cut out of the HTML and parsed), the
         arrows marked as retransmissions are the packets --json calls
         retransmitted and the frames tshark calls (fast/spurious)
         retransmissions, and the page lists exactly the text report's notes.
  large  a generated capture of 100,000 packets in 10,000 connections: the
         report stays under 20 MB, indexes every connection and draws the
         first ones (docs/pictures.md, "Large captures").
  run    tests/run/base.pkt through `tcpkit run --json --svg`: one arrow per
         segment in or out, the stack on the left, its states beside it.
  capture PCAP...  any captures (the interop tests' real ones): as lossy,
         except that our retransmissions may add what tshark calls
         out-of-order (docs/analyze.md, "Deliberate differences").
Usage: check_tool_pictures.py TCPKIT OUTDIR lossy|large|run|capture [PCAP...]
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"


def die(msg):
    sys.exit("check_tool_pictures: " + msg)


def classes(el):
    return set((el.get("class") or "").split())


def analyze(tcpkit, pcap, html, *extra):
    p = subprocess.run([tcpkit, "analyze", pcap, "--html", html, *extra], capture_output=True,
                       text=True, check=False)
    if p.returncode != 0:
        die(f"analyze exit {p.returncode}: {p.stderr}")
    return p.stdout


def ladders(html):
    return [ET.fromstring(s) for s in re.findall(r'<svg [^>]*class="ladder".*?</svg>', html, re.S)]


def arrows(svg):
    return [g for g in svg.iter(NS + "g") if "seg" in classes(g)]


def packet_of(g):
    return int(g.find(NS + "desc").text.split()[1])


def tshark_frames(pcap, expr):
    out = subprocess.run(["tshark", "-r", pcap, "-Y", expr, "-T", "fields", "-e",
                          "frame.number"], capture_output=True, text=True, check=True).stdout
    return {int(x) for x in out.split()}


def check_capture(tcpkit, pcap, html_path, exact):
    """The report of a capture against --json, the text report and tshark.
    exact: tshark's retransmissions are exactly ours; otherwise the two may
    differ where the notes do by design (docs/analyze.md, "Deliberate
    differences"): ours may add what tshark calls out-of-order (old data
    resent within 3 ms of new data), and tshark's may add what we call
    out-of-order (a gap filled later than 3 ms)."""
    analyze(tcpkit, pcap, html_path)
    js = subprocess.run([tcpkit, "analyze", pcap, "--json"], capture_output=True, text=True,
                        check=True).stdout
    text = subprocess.run([tcpkit, "analyze", pcap], capture_output=True, text=True,
                          check=True).stdout
    objs = [json.loads(line) for line in js.splitlines()]
    html = open(html_path, encoding="utf-8").read()
    sections = [int(c) for c in re.findall(r'<section class="conn" id="c(\d+)"', html)]
    svgs = ladders(html)
    if len(svgs) != len(sections):
        die(f"{len(svgs)} ladders for {len(sections)} connections drawn")
    marked = set()
    for conn, svg in zip(sections, svgs):
        segs = [o for o in objs if o["type"] == "segment" and o["connection"] == conn]
        arr = arrows(svg)
        if [packet_of(g) for g in arr] != [s["packet"] for s in segs]:
            die(f"connection {conn}: arrows are not one per packet in capture order")
        marked |= {packet_of(g) for g in arr if "retrans" in classes(g)}
        if marked & {s["packet"] for s in segs} != {s["packet"] for s in segs
                                                    if s["retransmitted"]}:
            die(f"connection {conn}: retransmissions in the picture differ from --json")
    drawn_packets = {o["packet"] for o in objs
                     if o["type"] == "segment" and o["connection"] in sections}
    if shutil.which("tshark"):
        theirs = tshark_frames(pcap, "tcp.analysis.retransmission or "
                               "tcp.analysis.fast_retransmission or "
                               "tcp.analysis.spurious_retransmission") & drawn_packets
        ooo = tshark_frames(pcap, "tcp.analysis.out_of_order")
        our_ooo = {o["packet"] for o in objs
                   if o["type"] == "note" and o["kind"] == "out_of_order"}
        if exact and marked != theirs:
            die(f"retransmissions: ours {sorted(marked)}, tshark {sorted(theirs)}")
        if not exact and (not theirs - our_ooo <= marked or not marked - theirs <= ooo):
            die(f"retransmissions: tshark's, not ours {sorted(theirs - our_ooo - marked)[:20]}; "
                f"ours, neither retransmission nor out-of-order for tshark "
                f"{sorted(marked - theirs - ooo)[:20]}")
    want = sorted(" ".join(l.split()) for l in text.splitlines() if l.startswith("    #"))
    got = sorted(" ".join(n.split(": ", 1)[1].split()) for n in
                 re.findall(r"<li>([^<]*)</li>", html))
    got = [g.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") for g in got]
    if len(sections) == len([o for o in objs if o["type"] == "connection"]) and got != want:
        die(f"{len(got)} notes on the page, {len(want)} in the text report, or they differ")
    return len(drawn_packets), len(marked), len(got)


def lossy(tcpkit, outdir):
    pcap, html_path = os.path.join(outdir, "lossy.pcap"), os.path.join(outdir, "lossy.html")
    subprocess.run([tcpkit, "sim", "lossy-transfer", "--quiet", "--pcap", pcap], check=True,
                   capture_output=True)
    # Not exact: RACK (SPEC DT-12) resends a segment when its reordering
    # timer expires, which can be within 3 ms of new data, where tshark
    # says out-of-order (the documented difference).
    n, marked, notes = check_capture(tcpkit, pcap, html_path, exact=False)
    if not marked:
        die("no retransmission in a lossy transfer")
    print(f"lossy: {n} arrows, {marked} retransmissions as tshark, {notes} notes as the text report")


def without_damaged(pcap, outdir):
    """The capture without frames whose IPv4 or TCP checksum is bad. The
    interop captures hold what the fault injector corrupted on its way in;
    tcpkit (and `tcpkit analyze`) drop such frames, but tshark's sequence
    analysis believes their fields: one flipped bit in an ACK number makes
    the new data after it "spurious retransmissions". Both tools are
    compared on the frames a receiver would accept."""
    if not shutil.which("tshark"):
        return pcap
    clean = os.path.join(outdir, "clean-" + os.path.basename(pcap))
    subprocess.run(["tshark", "-r", pcap, "-o", "tcp.check_checksum:TRUE", "-o",
                    "ip.check_checksum:TRUE", "-Y",
                    "!(ip.checksum.status == 0 || tcp.checksum.status == 0)", "-w", clean],
                   capture_output=True, check=True)
    return clean


def capture(tcpkit, outdir, pcap):
    html_path = os.path.join(outdir, os.path.basename(pcap) + ".html")
    n, marked, notes = check_capture(tcpkit, without_damaged(pcap, outdir), html_path,
                                     exact=False)
    print(f"{pcap}: {n} arrows, {marked} retransmissions (tshark agrees), {notes} notes")


def pcap_record(t_us, src, dst, sport, dport, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0,
                     struct.pack("!I", src), struct.pack("!I", dst)) + tcp
    frame = b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip
    return struct.pack("<IIII", t_us // 1000000, t_us % 1000000, len(frame), len(frame)) + frame


def large(tcpkit, outdir):
    pcap, html_path = os.path.join(outdir, "large.pcap"), os.path.join(outdir, "large.html")
    conns, per = 10000, 10
    with open(pcap, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        a, b = 0x0A000001, 0x0A000002
        for i in range(conns):
            t, port, x, y = i * 1000, 1024 + i % 60000, 1000 * i, 7000 * i
            pkts = [(a, b, port, 80, x, 0, 0x02), (b, a, 80, port, y, x + 1, 0x12),
                    (a, b, port, 80, x + 1, y + 1, 0x10),
                    (a, b, port, 80, x + 1, y + 1, 0x18, b"GET /\r\n"),
                    (b, a, 80, port, y + 1, x + 8, 0x10),
                    (b, a, 80, port, y + 1, x + 8, 0x18, b"hello"),
                    (a, b, port, 80, x + 8, y + 6, 0x10),
                    (a, b, port, 80, x + 8, y + 6, 0x11), (b, a, 80, port, y + 6, x + 9, 0x11),
                    (a, b, port, 80, x + 9, y + 7, 0x10)]
            for k, p in enumerate(pkts[:per]):
                f.write(pcap_record(t + k * 10, *p))
    analyze(tcpkit, pcap, html_path)
    size = os.path.getsize(html_path)
    if size >= 20 * 1024 * 1024:
        die(f"report of {size} bytes, want under 20 MB")
    html = open(html_path, encoding="utf-8").read()
    rows = re.findall(r"<tr><td>(\d+)</td>", html)
    if len(rows) != conns:
        die(f"index of {len(rows)} connections, want {conns}")
    sections = re.findall(r'<section class="conn" id="c(\d+)"', html)
    svgs = ladders(html)
    if len(sections) != 200 or len(svgs) != 200:
        die(f"{len(sections)} connections drawn ({len(svgs)} ladders), want the first 200")
    for sec, svg in zip(sections, svgs):
        table = re.search(rf'<script type="application/json" id="pk-{int(sec) - 1}">(.*?)</script>',
                          html, re.S)
        if len(arrows(svg)) != per or len(json.loads(table.group(1))) != per:
            die(f"connection {sec}: not {per} arrows and packet entries")
    print(f"large: {conns * per} packets, report {size} bytes, {len(rows)} indexed, "
          f"{len(svgs)} drawn")


def run_script(tcpkit, outdir):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "run", "base.pkt")
    svg = os.path.join(outdir, "run.svg")
    p = subprocess.run([tcpkit, "run", "--json", "--svg", svg, script], capture_output=True,
                       text=True, check=False)
    if p.returncode != 0:
        die(f"run exit {p.returncode}: {p.stderr}")
    segs = [json.loads(line) for line in p.stdout.splitlines()]
    root = ET.parse(svg).getroot()
    arr = arrows(root)
    got = [(int(g.get("data-from")), g.find(NS + "text").text.split(" seq=")[0]) for g in arr]
    want = [(0 if s["dir"] == "out" else 1, s["flags"].replace("PSH+", "")) for s in segs]
    if got != want:
        die(f"run: arrows {got}, segments {want}")
    states = [t.get("data-to") for t in root.iter(NS + "text") if "state" in classes(t)]
    if states != ["LISTEN", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1", "TIME_WAIT"]:
        die(f"run: states {states}")
    print(f"run: {len(arr)} arrows, states {states}")


def main():
    tcpkit, outdir, case = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    if case == "capture":
        for pcap in sys.argv[4:]:
            capture(tcpkit, outdir, pcap)
        return
    {"lossy": lossy, "large": large, "run": run_script}[case](tcpkit, outdir)


if __name__ == "__main__":
    main()
