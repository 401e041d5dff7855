#!/usr/bin/env python3
"""Hostile call models for the exec: client's tests: the Python example, broken on
purpose at the request whose seq is given (default 2). Modes:
  crash       exits with status 3 instead of answering
  hang        never answers
  garbage     writes a line that is not JSON
  wrong-seq   answers {"done": SEQ+1}
  huge-line   writes a line of 100000 bytes
  bad-event   writes an event naming a DN the session does not have
  no-hello    exits before answering the hello
  bad-hello   answers the hello without a model name
  random      ConnIDs from os.urandom: a model that is not deterministic
  ignore-request  answers a client request with "ignored"
  unknown-key     writes an event with a key no event line has ("Foo")
  duplicate-key   writes an event line that gives "event" twice
  misspelt-supports  answers the hello with "supports": {"stimulus": [...]}
  missing-command    (no process: the spec names a command that does not exist)
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "models", "python"))
import callmodel  # noqa: E402

mode = sys.argv[1]
at = int(sys.argv[2]) if len(sys.argv) > 2 else 2


def main():
    session = None
    out = sys.stdout
    for line in sys.stdin:
        m = json.loads(line)
        if "hello" in m:
            if mode == "no-hello":
                sys.exit(0)
            if mode == "bad-hello":
                out.write('{"version":"1"}\n')
            elif mode == "misspelt-supports":
                out.write('{"model":"m","version":"1","supports":{"stimulus":["make-call"]}}\n')
            else:
                out.write(json.dumps(callmodel.HELLO) + "\n")
            out.flush()
        elif "session" in m:
            session = callmodel.Session(m["session"])
            if mode == "random":
                session.seed = int.from_bytes(os.urandom(8), "little")
        elif "request" in m:
            seq = m["seq"]
            ignored = session.apply(m)
            events = session.out[:]
            session.out.clear()
            if seq == at:
                if mode == "crash":
                    sys.exit(3)
                if mode == "hang":
                    while True:
                        sys.stdin.read(1) or os.pause()
                if mode == "garbage":
                    out.write("this is not json\n")
                    out.flush()
                    continue
                if mode == "wrong-seq":
                    seq += 1
                if mode == "huge-line":
                    out.write('{"event":"' + "x" * 100000 + '"}\n')
                    out.flush()
                    continue
                if mode == "bad-event":
                    events = [{"event": "EventRinging", "call": m.get("call", "c1"), "ThisDN": "9999"}]
                if mode == "unknown-key":
                    events = [dict(events[0], Foo="bar")] if events else [{"event": "EventRinging", "Foo": "bar"}]
                if mode == "duplicate-key":
                    out.write('{"event":"EventReleased","event":"EventDialing","call":"c1","ThisDN":"7001"}\n')
                    out.flush()
                    events = []
                if mode == "ignore-request":
                    ignored = "phase"
            for e in events:
                out.write(json.dumps(e) + "\n")
            done = {"done": seq}
            if ignored:
                done["ignored"] = callmodel.IGNORED[ignored]
            out.write(json.dumps(done) + "\n")
            out.flush()


main()
