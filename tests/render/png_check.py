#!/usr/bin/env python3
"""png_check.py FILE.png WIDTH HEIGHT: exits 0 when FILE is a PNG of exactly WIDTH x
HEIGHT pixels that is not blank: at least 16 distinct colours and 1% of its pixels
unlike the most common one (the background). Exit 1, with the reason, otherwise.
Standard library only: the IHDR is read and the IDAT stream inflated and unfiltered."""
import struct
import sys
import zlib
from collections import Counter


def fail(msg):
    print("png_check: %s: %s" % (sys.argv[1], msg))
    sys.exit(1)


def read_png(path):
    try:
        data = open(path, "rb").read()
    except OSError as e:
        fail("cannot read: %s" % e)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    if ihdr is None:
        fail("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = ihdr
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        fail("unsupported PNG: depth %d, colour type %d, interlace %d" % (depth, colour, interlace))
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    if len(raw) != height * (stride + 1):
        fail("pixel data has %d bytes, expected %d" % (len(raw), height * (stride + 1)))
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 0xFF
            elif f != 0:
                fail("bad filter type %d on row %d" % (f, y))
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        sys.exit(2)
    want_w, want_h = int(sys.argv[2]), int(sys.argv[3])
    width, height, bpp, rows = read_png(sys.argv[1])
    if (width, height) != (want_w, want_h):
        fail("%dx%d pixels, expected %dx%d" % (width, height, want_w, want_h))
    colours = Counter()
    for line in rows:
        for x in range(0, len(line), bpp):
            colours[line[x:x + 3]] += 1
    total = width * height
    background, most = colours.most_common(1)[0]
    ink = 1.0 - most / total
    if len(colours) < 16 or ink < 0.01:
        fail("blank: %d distinct colours, %.2f%% of the pixels differ from the background %s"
             % (len(colours), 100 * ink, background.hex()))
    print("png_check: %s: %dx%d, %d colours, %.1f%% ink" % (sys.argv[1], width, height, len(colours), 100 * ink))


main()
