#!/usr/bin/env python3
"""ladder_xml_test.py CALLBENCH SAMPLE_REPORT: for every documented flow, the ladder SVG
of `callbench run --format svg` and of `callbench show --format svg` (recorded) parses as
XML, and has one lifeline per DN of the session plus the T-Server's, one request arrow per
client request, one switch step per other stimulus and one event arrow per event, counted
against the session's JSON lines and scenario; the same session gives the same bytes.
The HTML pages (run --format html, show --format html, check --html, the campaign report)
parse as XML too. Exit 1 with the reasons on any failure."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"
callbench, sample_report = sys.argv[1], sys.argv[2]
failures = []


def run(*args, ok=(0,)):
    p = subprocess.run([callbench, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in ok:
        failures.append("callbench %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode(errors="replace")))
    return p.stdout


def parse(what, data):
    try:
        return ET.fromstring(data)
    except ET.ParseError as e:
        failures.append("%s: not well-formed XML: %s" % (what, e))
        return None


def groups(root, cls):
    """The <g> elements whose class list holds every word of `cls`."""
    want = set(cls.split())
    return [g for g in root.iter(SVG + "g") if want <= set(g.get("class", "").split())]


def check_svg(what, data, dns, client_requests, other_stimuli, events):
    root = parse(what, data)
    if root is None:
        return
    got = {
        "lifelines": len(groups(root, "lifeline")),
        "request arrows": len(groups(root, "arrow request")),
        "switch steps": len(groups(root, "step switch")),
        "event arrows": len(groups(root, "arrow event")),
    }
    want = {
        "lifelines": len(dns) + 1,
        "request arrows": client_requests,
        "switch steps": other_stimuli,
        "event arrows": len(events),
    }
    if got != want:
        failures.append("%s: drawn %s, the session has %s" % (what, got, want))
    named = sorted(g.get("data-dn") for g in groups(root, "lifeline") if g.get("data-dn") is not None)
    if named != sorted(dns):
        failures.append("%s: lifelines %s, DNs %s" % (what, named, sorted(dns)))
    seqs = [int(g.get("data-seq")) for g in groups(root, "arrow event")]
    if sorted(seqs) != sorted(e["seq"] for e in events):
        failures.append("%s: event arrows for seqs %s" % (what, seqs))


with tempfile.TemporaryDirectory() as tmp:
    journal = os.path.join(tmp, "flows.db")
    flows = sorted(glob.glob("corpus/flows/*.scn"))
    if len(flows) < 40:
        failures.append("only %d documented flows found (run from the source tree)" % len(flows))
    for session, path in enumerate(flows, start=1):
        lines = [json.loads(l) for l in run("run", path, "--format", "jsonl").decode().splitlines() if l]
        requests = [l for l in lines if "request" in l]
        events = [l for l in lines if "event" in l]
        client = sum(1 for r in requests if "ReferenceID" in r)
        run("run", path, "--journal", journal)
        scn = run("show", journal, "--session", str(session), "--format", "scn").decode()
        dns = [l.split()[1] for l in scn.splitlines() if l.startswith("dn ")]
        svg = run("run", path, "--format", "svg")
        check_svg(path + " (run)", svg, dns, client, len(requests) - client, events)
        if run("run", path, "--format", "svg") != svg:
            failures.append(path + ": the same session drew different bytes")
        shown = run("show", journal, "--session", str(session), "--format", "svg")
        check_svg(path + " (show)", shown, dns, client, len(requests) - client, events)
        html = parse(path + " (run html)", run("run", path, "--format", "html"))
        if html is not None and len(html.findall(".//" + SVG + "svg")) != 1:
            failures.append(path + ": the HTML page has no ladder")
    parse("show --format html", run("show", journal, "--session", "3", "--format", "html"))
    check_html = os.path.join(tmp, "check.html")
    run("check", journal, "--html", check_html)
    page = parse("check --html", open(check_html, "rb").read())
    if page is not None:
        drawn = len(page.findall(".//" + SVG + "svg"))
        if drawn != len(flows):
            failures.append("check --html drew %d ladders for %d sessions" % (drawn, len(flows)))
    report = os.path.join(tmp, "report.html")
    subprocess.run([sample_report, report], check=True)
    page = parse("campaign report", open(report, "rb").read())
    if page is not None:
        never = [td for td in page.iter(XHTML + "td") if "never" in td.get("class", "").split()]
        if not never:
            failures.append("campaign report: no never-reached cell in the flow grid")

for f in failures:
    print("FAIL " + f)
print("ladder_xml_test: %d documented flows, %d failures" % (len(flows), len(failures)))
sys.exit(1 if failures else 0)
