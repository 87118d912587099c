#!/usr/bin/env python3
"""SPEC OBS-5, OBS-6, OBS-8: the pictures of every `tcpkit sim` scenario
agree with the run's own JSON events.

For each scenario, one run writes --json (stdout), --svg and --html. The SVG
is parsed (xml.etree) and checked against the JSON: one arrow per segment
sent, from the sender's timeline to the receiver's, in time order, lost ones
ending half-way in a cross, retransmissions marked; the state labels are the
trace's state changes in order; the state diagrams (cut out of the HTML and
parsed) highlight exactly the transitions taken, numbered 1..n. Usage:
check_sim_pictures.py TCPKIT OUTDIR [SCENARIO...] (default: all of --list).
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
FAILS = []


def fail(scenario, msg):
    FAILS.append(f"{scenario}: {msg}")


def classes(el):
    return set((el.get("class") or "").split())


def run(tcpkit, scenario, outdir):
    svg = os.path.join(outdir, f"{scenario}.svg")
    html = os.path.join(outdir, f"{scenario}.html")
    p = subprocess.run([tcpkit, "sim", scenario, "--json", "--svg", svg, "--html", html],
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        fail(scenario, f"exit {p.returncode}: {p.stderr.strip()}")
        return None
    events = [json.loads(line) for line in p.stdout.splitlines()]
    return events, ET.parse(svg).getroot(), open(html, encoding="utf-8").read()


def timeline_x(root):
    xs = {}
    for line in root.iter(NS + "line"):
        if "tl" in classes(line):
            xs[int(line.get("data-end"))] = float(line.get("x1"))
    return xs


def check_arrows(sc, events, root):
    segs = [e for e in events if e["event"] == "segment" and "seq" in e]
    groups = [g for g in root.iter(NS + "g") if "seg" in classes(g)]
    arrows = [g for g in groups if "dup" not in classes(g)]
    if len(arrows) != len(segs):
        fail(sc, f"{len(arrows)} arrows for {len(segs)} segments")
        return
    xs = timeline_x(root)
    last_y1 = -1.0
    arrivals = {0: [], 1: []}
    for g, e in zip(arrows, segs):
        side = 0 if e["side"] == "A" else 1
        line = g.find(NS + "line")
        x1, y1, x2, y2 = (float(line.get(k)) for k in ("x1", "y1", "x2", "y2"))
        label = g.find(NS + "text").text
        want_flags = "+".join(f for f in e["flags"].split("+") if f != "PSH") or "none"
        lost = "lost" in classes(g)
        where = f"segment sent at {e['t']} by {e['side']}"
        if int(g.get("data-from")) != side or x1 != xs[side]:
            fail(sc, f"{where}: arrow does not start at its sender's timeline")
        if abs(float(g.get("data-sent")) - e["t"]) > 1e-9:
            fail(sc, f"{where}: arrow sent at {g.get('data-sent')}")
        if not label.startswith(want_flags + " seq="):
            fail(sc, f"{where}: label '{label}' does not start with {want_flags}")
        if lost != e["lost"]:
            fail(sc, f"{where}: lost {lost} in the picture, {e['lost']} in the run")
        if ("retrans" in classes(g)) != e["retransmitted"]:
            fail(sc, f"{where}: retransmission mark differs")
        if lost:
            cross = g.find(NS + "path")
            if cross is None or "cross" not in classes(cross) or x2 != (xs[0] + xs[1]) / 2:
                fail(sc, f"{where}: lost arrow does not end half-way in a cross")
        elif "unseen" in classes(g):
            # In flight when the run ended (it printed no arrival): half-way,
            # no cross. Only the last round trip of a run may be like that.
            if x2 != (xs[0] + xs[1]) / 2 or g.find(NS + "path") is not None:
                fail(sc, f"{where}: unseen arrow drawn wrong")
        elif x2 != xs[1 - side] or y2 < y1:
            fail(sc, f"{where}: arrow does not reach the receiver's timeline later")
        else:
            arrivals[1 - side].append((float(g.get("data-arrived")), y2))
        if y1 < last_y1:
            fail(sc, f"{where}: sent above the segment sent before it")
        last_y1 = y1
    for end, arr in arrivals.items():
        ys = [y for _, y in sorted(arr, key=lambda a: a[0])]
        if ys != sorted(ys):
            fail(sc, f"arrivals at end {end} are not in time order")


def state_events(events):
    return [e for e in events if e["event"] == "state" and not e["local"].endswith(":0")]


def check_state_labels(sc, events, root):
    want = [(0 if e["side"] == "A" else 1, e["to"], e["cause"]) for e in state_events(events)]
    got = [(int(t.get("data-end")), t.get("data-to"), "".join(t.itertext()))
           for t in root.iter(NS + "text") if "state" in classes(t)]
    if len(got) != len(want):
        fail(sc, f"{len(got)} state labels for {len(want)} state changes")
        return
    for (ge, gto, gtext), (we, wto, wcause) in zip(got, want):
        if ge != we or gto != wto or not gtext.startswith(wto) or not gtext.endswith(wcause + ")"):
            fail(sc, f"state label '{gtext}' at end {ge}, want {wto} ({wcause}) at end {we}")


def expected_transitions(events, end):
    """(from, to) per transition of `end`, with the one rule the pictures
    apply: a connection a listener spawns (CLOSED -> SYN_RCVD in the trace)
    is drawn as LISTEN -> SYN_RCVD."""
    listening, out = set(), []
    for e in events:
        if e["event"] != "state" or (0 if e["side"] == "A" else 1) != end:
            continue
        port = e["local"].rsplit(":", 1)[1]
        remote0 = e["remote"].endswith(":0")
        if port == "0":
            continue
        if e["to"] == "LISTEN":
            listening.add(port)
        elif e["from"] == "LISTEN" and remote0:
            listening.discard(port)
        frm = e["from"]
        if frm == "CLOSED" and e["to"] == "SYN_RCVD" and port in listening:
            frm = "LISTEN"
        if frm != e["to"]:
            out.append((frm, e["to"]))
    return out


def check_state_diagrams(sc, events, html):
    svgs = re.findall(r'<svg [^>]*class="states".*?</svg>', html, re.S)
    ends = sorted({0 if e["side"] == "A" else 1 for e in state_events(events)})
    drawn = sorted(int(ET.fromstring(s).get("data-end")) for s in svgs)
    if drawn != ends:
        fail(sc, f"state diagrams of ends {drawn}, want one per end with states {ends}")
        return
    for svg in svgs:
        root = ET.fromstring(svg)
        end = int(root.get("data-end"))
        want = expected_transitions(events, end)
        taken = {}
        for g in root.iter(NS + "g"):
            if "taken" in classes(g):
                orders = [int(o) for o in g.get("data-order").split(",")]
                for o in orders:
                    taken[o] = (g.get("data-from"), g.get("data-to"))
        if sorted(taken) != list(range(1, len(want) + 1)):
            fail(sc, f"end {end}: numbered {sorted(taken)}, want 1..{len(want)}")
            continue
        got = [taken[o] for o in sorted(taken)]
        if got != want:
            fail(sc, f"end {end}: highlighted {got}, want {want}")


def check_packet_table(sc, root, html):
    m = re.search(r'<script type="application/json" id="pk-0">(.*?)</script>', html, re.S)
    arrows = [g for g in root.iter(NS + "g") if "seg" in classes(g)]
    if not m or len(json.loads(m.group(1))) != len(arrows):
        fail(sc, "the packet table does not hold one entry per arrow")


def check_lifecycle(sc, root, html):
    """The seeds' figure: the handshake's labels, TIME_WAIT's 60 s folded
    into one marked break, and each segment's decoded view on click."""
    table = json.loads(re.search(r'<script type="application/json" id="pk-0">(.*?)</script>',
                                 html, re.S).group(1))
    if not all("\n  ipv4      198.18.0." in t and "\n  tcp       sport " in t for t in table):
        fail(sc, "a segment's detail lacks the decoded IPv4 and TCP headers")
    labels = [g.find(NS + "text").text for g in root.iter(NS + "g") if "seg" in classes(g)]
    if labels[:3] != ["SYN seq=J", "SYN+ACK seq=K ack=J+1", "ACK seq=J+1 ack=K+1"]:
        fail(sc, f"handshake labels {labels[:3]}")
    folds = [int(g.get("data-gap-us")) for g in root.iter(NS + "g") if "fold" in classes(g)]
    if len(folds) != 1 or not 59_900_000 <= folds[0] <= 60_000_000:
        fail(sc, f"folded gaps {folds}, want one of about 60 s")


def main():
    tcpkit, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    names = sys.argv[3:] or [l.split()[0] for l in subprocess.run(
        [tcpkit, "sim", "--list"], capture_output=True, text=True, check=True).stdout.splitlines()]
    for sc in names:
        got = run(tcpkit, sc, outdir)
        if got is None:
            continue
        events, root, html = got
        check_arrows(sc, events, root)
        check_state_labels(sc, events, root)
        check_state_diagrams(sc, events, html)
        check_packet_table(sc, root, html)
        if sc == "lifecycle":
            check_lifecycle(sc, root, html)
    for f in FAILS:
        print("FAIL", f)
    print(f"check_sim_pictures: {len(names)} scenarios, {len(FAILS)} failures")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
