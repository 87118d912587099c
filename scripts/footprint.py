#!/usr/bin/env python3
"""Code and static data of tcpkit's core in a linked firmware, from the GNU
ld map file (input sections kept after --gc-sections), and the same for the
whole core archive before garbage collection.

usage: footprint.py MAP ARCHIVE SIZE_TOOL
"""
import re
import subprocess
import sys

CORE = "libtcpkit-core.a("


def kind(section):
    if section.startswith((".text", ".rodata")):
        return "text"
    if section.startswith(".data"):
        return "data"
    if section.startswith((".bss", "COMMON")):
        return "bss"
    return None


def linked(map_path):
    """Bytes per kind kept from the core archive, and from libgcc."""
    core = {"text": 0, "data": 0, "bss": 0}
    libgcc = 0
    lines = open(map_path, encoding="utf-8", errors="replace").read().splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith("Linker script and memory map"))
    pending = None
    row = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)")
    for line in lines[start:]:
        m = re.match(r"^ (\.[\w.$]+|COMMON)(\s+0x.*)?$", line)
        if m:
            pending = m.group(1)
            if not m.group(2):
                continue
            line = m.group(2)
        r = row.match(line)
        if not r or pending is None:
            continue
        size, obj = int(r.group(2), 16), r.group(3)
        k = kind(pending)
        if k and CORE in obj:
            core[k] += size
        elif k == "text" and "libgcc.a(" in obj:
            libgcc += size
        pending = None
    return core, libgcc


def archive(path, size_tool):
    out = subprocess.run([size_tool, "-t", path], capture_output=True, text=True, check=True)
    total = out.stdout.strip().splitlines()[-1].split()
    return {"text": int(total[0]), "data": int(total[1]), "bss": int(total[2])}


def main():
    map_path, ar, size_tool = sys.argv[1:4]
    core, libgcc = linked(map_path)
    whole = archive(ar, size_tool)
    print("tcpkit core on Cortex-M3 (-Os, -ffunction-sections -fdata-sections)")
    print(f"{'':34} {'text':>8} {'data':>6} {'bss':>6}")
    print(f"{'linked into the firmware (gc)':34} {core['text']:8} {core['data']:6} {core['bss']:6}")
    print(f"{'  + libgcc helpers it pulls in':34} {libgcc:8}")
    print(f"{'whole core archive (no gc)':34} {whole['text']:8} {whole['data']:6} {whole['bss']:6}")


if __name__ == "__main__":
    main()
