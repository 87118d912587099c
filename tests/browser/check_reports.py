#!/usr/bin/env python3
"""SPEC OBS-5..OBS-7 in a real browser: headless Debian chromium opens the
HTML reports of `tcpkit sim lifecycle`, `tcpkit sim stale-reconnect` and
`tcpkit analyze` of a lossy transfer's capture, and checks that no script
fails, that every SVG is drawn with a size inside the page, and that
clicking an arrow shows its decoded segment. Screenshots are left in OUTDIR
for people to look at.

The page is checked by a copy of the report with a probe script in front
of the report's own: it counts errors (window.onerror), measures the SVGs
after load, clicks the first arrow, and writes its findings into the DOM,
which chromium --dump-dom prints.

Usage: check_reports.py TCPKIT OUTDIR CHROMIUM
"""
import json
import os
import re
import subprocess
import sys
import tempfile

PROBE = """<script>
window.tkErrors = [];
window.addEventListener('error', function (e) { window.tkErrors.push(String(e.message)); });
window.addEventListener('load', function () {
  var out = {errors: window.tkErrors, svgs: [], page: document.documentElement.scrollWidth};
  document.querySelectorAll('svg').forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.svgs.push({cls: s.getAttribute('class'), left: r.left, right: r.right,
                   width: r.width, height: r.height, children: s.childElementCount});
  });
  var arrow = document.querySelector('svg.ladder g.seg');
  var pre = document.querySelector('.detail pre');
  var before = pre ? pre.textContent : '';
  if (arrow) arrow.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  out.detail_before = before;
  out.detail_after = pre ? pre.textContent : '';
  out.errors = window.tkErrors;
  var p = document.createElement('pre');
  p.id = 'tk-probe';
  p.textContent = JSON.stringify(out);
  document.body.appendChild(p);
});
</script>"""

FAILS = []


def chromium_args(chromium, profile):
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
            "--window-size=1400,1800", "--virtual-time-budget=5000"]


def probe(chromium, html_path, name, outdir):
    text = open(html_path, encoding="utf-8").read()
    probed = os.path.join(outdir, name + ".probe.html")
    with open(probed, "w", encoding="utf-8") as f:
        f.write(text.replace("<head>", "<head>" + PROBE, 1))
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(chromium_args(chromium, profile) + ["--dump-dom", "file://" + probed],
                             capture_output=True, text=True, timeout=120).stdout
        shot = os.path.join(outdir, name + ".png")
        subprocess.run(chromium_args(chromium, profile) +
                       [f"--screenshot={shot}", "file://" + os.path.abspath(html_path)],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r'<pre id="tk-probe">(.*?)</pre>', dom, re.S)
    if not m:
        FAILS.append(f"{name}: the probe did not report (the page did not load?)")
        return
    raw = m.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
    out = json.loads(raw.replace("&amp;", "&"))
    if out["errors"]:
        FAILS.append(f"{name}: script errors {out['errors']}")
    if not out["svgs"] or not any(s["cls"] == "ladder" for s in out["svgs"]):
        FAILS.append(f"{name}: no ladder SVG")
    for s in out["svgs"]:
        if s["width"] <= 0 or s["height"] <= 0 or s["children"] < 3:
            FAILS.append(f"{name}: an empty {s['cls']} SVG: {s}")
        if s["left"] < 0 or s["right"] > out["page"] + 1:
            FAILS.append(f"{name}: a {s['cls']} SVG outside the page ({out['page']} px): {s}")
    if out["detail_after"] == out["detail_before"] or "seq" not in out["detail_after"]:
        FAILS.append(f"{name}: clicking an arrow did not show its segment")
    if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
        FAILS.append(f"{name}: no screenshot")
    print(f"{name}: {len(out['svgs'])} SVGs, {len(out['errors'])} script errors, screenshot {shot}")


def main():
    tcpkit, outdir, chromium = sys.argv[1:4]
    os.makedirs(outdir, exist_ok=True)
    for sc in ("lifecycle", "stale-reconnect"):
        path = os.path.join(outdir, sc + ".html")
        subprocess.run([tcpkit, "sim", sc, "--quiet", "--html", path], check=True,
                       capture_output=True)
        probe(chromium, path, sc, outdir)
    pcap = os.path.join(outdir, "lossy.pcap")
    path = os.path.join(outdir, "lossy-capture.html")
    subprocess.run([tcpkit, "sim", "lossy-transfer", "--quiet", "--pcap", pcap], check=True,
                   capture_output=True)
    subprocess.run([tcpkit, "analyze", pcap, "--html", path], check=True, capture_output=True)
    probe(chromium, path, "lossy-capture", outdir)
    for f in FAILS:
        print("FAIL", f)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
