#!/usr/bin/env python3
"""A call model in Python, standard library only, for `callbench --model exec:...`.

It implements the call-model document's Internal/Inbound Call flow (connection
establishing and releasing, with every interruption point: the caller hangs up before
the destination rings (*), the destination is busy (**), the caller hangs up while it
rings (***), the external caller of an inbound call hangs up), the Outbound Call to an
external DN, hold and retrieve, the timing statements pause/step/resume, and the
EventError rules of TMakeCall, TAnswerCall, TReleaseCall, THoldCall and TRetrieveCall.
DN kinds: extension and external. Everything else is declared unsupported in the
hello answer, so callbench neither runs nor generates it.

Protocol (README "Putting your implementation on the bench"): one JSON object a line on
standard input; answers on standard output, flushed after each {"done": SEQ}.

  --fault   breaks one documented rule on purpose: when the caller hangs up while the
            destination rings (interruption point ***), the destination gets no
            EventAbandoned. A campaign must find it.
"""
import json
import os
import sys

FAULT = "--fault" in sys.argv[1:]

MONITORED = {"extension"}  # of the kinds this model supports, the ones T-Server monitors

ERRORS = {
    "not-monitored": (41, "DN not registered: T-Server does not monitor this DN"),
    "unsupported": (51, "Unsupported operation for this DN type"),
    "invalid-connid": (56, "Invalid ConnectionID: no such call at this DN"),
    "already": (43, "Object already in the requested state"),
    "not-ringing": (93, "Destination in invalid state: the call is not ringing at this DN"),
    "invalid-state": (93, "Destination in invalid state: the call is not in a state that allows this request"),
    "invalid-destination": (71, "Invalid called DN"),
    "busy": (231, "DN is busy"),
    "invalid-attribute": (53, "Invalid attribute value"),
}

IGNORED = {
    "exists": "the call name is already taken",
    "unknown": "no such call, or the call is over",
    "phase": "the call is not in a phase where this can happen",
    "not-external": "the caller of an inbound call must be an external DN",
    "bad-destination": "the destination cannot take this call",
    "no-external": "the call has no external party in a phase where the network can act",
    "nothing-pending": "the call has no pending switch step",
}

MASK = (1 << 64) - 1


def mix(x):
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


class Call:
    __slots__ = ("name", "conn", "origin", "target", "phase", "pending", "origin_held", "dest_held")

    def __init__(self, name, conn, origin, target):
        self.name = name
        self.conn = conn
        self.origin = origin
        self.target = target
        self.phase = "transit"  # transit, alerting, network, busy, established, cleared
        self.pending = 0  # order of the pending delivery, 0 when none
        self.origin_held = False
        self.dest_held = False

    def live(self):
        return self.phase != "cleared"


class Session:
    def __init__(self, header):
        self.seed = header.get("seed", 1)
        self.kinds = {d["dn"]: d["kind"] for d in header.get("dns", [])}
        opts = header.get("options", {})
        self.dial_info = opts.get("dial-info", "on") == "on"
        self.outbound_other_dn = opts.get("outbound-other-dn", "on") == "on"
        self.calls = {}
        self.order = []  # call names in order of creation
        self.paused = False
        self.pending_seq = 0
        self.out = []

    # ---- events
    def monitored(self, dn):
        return self.kinds.get(dn) in MONITORED

    def emit(self, name, call, dn, error=False):
        if not error and not self.monitored(dn):
            return {}  # a scratch event nobody receives
        e = {"event": name, "call": call.name, "ThisDN": dn}
        if call.conn:
            e["ConnID"] = "%016x" % call.conn
        self.out.append(e)
        return e

    def caller_event(self, name, c, dialed=False):
        e = self.emit(name, c, c.origin)
        if e:
            e["ThisDNRole"] = "Origination"
            if not (dialed and not self.dial_info and not self.monitored(c.target)):
                e["OtherDN"] = c.target
                e["OtherDNRole"] = "Destination"
        return e

    def party_event(self, name, c, dn):
        e = self.emit(name, c, dn)
        if e:
            e["ThisDNRole"] = "Destination"
            e["OtherDN"] = c.origin
            e["OtherDNRole"] = "Origination"
        return e

    # ---- state
    def busy(self, dn):
        for c in self.calls.values():
            if not c.live():
                continue
            if c.origin == dn or (c.target == dn and c.phase in ("alerting", "established")):
                return True
        return False

    def live(self, name):
        c = self.calls.get(name)
        return c if c is not None and c.live() else None

    def conn_id(self, index):
        x = mix(self.seed ^ ((0xD1B54A32D192ED03 * (index + 1)) & MASK))
        taken = {c.conn for c in self.calls.values()}
        while x == 0 or x in taken:
            x = mix(x)
        return x

    def create(self, name, origin, target):
        c = Call(name, self.conn_id(len(self.order)), origin, target)
        self.calls[name] = c
        self.order.append(name)
        self.schedule(c)
        return c

    def schedule(self, c):
        self.pending_seq += 1
        c.pending = self.pending_seq

    def run_pending(self):
        while True:
            due = [c for c in self.calls.values() if c.pending]
            if not due:
                return
            self.fire(min(due, key=lambda c: c.pending))

    def fire(self, c):
        c.pending = 0
        self.deliver(c)

    def deliver(self, c):
        t = c.target
        if self.monitored(t):
            if self.busy(t):
                c.phase = "busy"
                self.caller_event("EventDestinationBusy", c, dialed=True)["CallState"] = "Busy"
                return
            c.phase = "alerting"
            self.party_event("EventRinging", c, t)["CallState"] = "OK"
        else:
            c.phase = "network"
            self.caller_event("EventNetworkReached", c, dialed=True)

    def establish(self, c, ref):
        c.phase = "established"
        if self.monitored(c.target):
            e = self.party_event("EventEstablished", c, c.target)
            e["CallState"] = "OK"
            if ref:
                e["ReferenceID"] = ref
        a = self.caller_event("EventEstablished", c)
        if a:
            a["CallState"] = "OK"
            if not self.monitored(c.target) and not self.outbound_other_dn:
                a.pop("OtherDN", None)
                a.pop("OtherDNRole", None)

    def clear(self, c):
        c.phase = "cleared"
        c.pending = 0
        c.origin_held = c.dest_held = False

    def release_by_caller(self, c, ref):
        a = self.caller_event("EventReleased", c)
        if a:
            a["CallState"] = "OK"
            if ref:
                a["ReferenceID"] = ref
        if c.phase == "alerting":
            if not FAULT:
                self.party_event("EventAbandoned", c, c.target)["CallState"] = "OK"
        elif c.phase == "established":
            self.party_event("EventReleased", c, c.target)["CallState"] = "OK"
        self.clear(c)

    def release_by_destination(self, c, ref):
        d = self.party_event("EventReleased", c, c.target)
        d["CallState"] = "OK"
        if ref:
            d["ReferenceID"] = ref
        self.caller_event("EventReleased", c)["CallState"] = "OK"
        self.clear(c)

    # ---- requests: one event answers each, or EventError and nothing changes
    def refuse(self, r, why):
        c = self.calls.get(r["call"]) or Call(r["call"], 0, None, None)
        e = self.emit("EventError", c, r["ThisDN"], error=True)
        if not c.live() or not c.conn:
            e.pop("ConnID", None)
        e["ReferenceID"] = r["ReferenceID"]
        e["ErrorCode"], e["ErrorMessage"] = ERRORS[why]
        return None

    def check_dn(self, r):
        dn = r["ThisDN"]
        if not self.monitored(dn):
            return "not-monitored"
        if self.kinds.get(dn) != "extension":
            return "unsupported"
        return None

    def make_call(self, r):
        name, dn, dest = r["call"], r["ThisDN"], r["OtherDN"]
        if name in self.calls:
            return self.refuse(r, "invalid-attribute")
        why = self.check_dn(r)
        if why:
            return self.refuse(r, why)
        if dest == dn:
            return self.refuse(r, "invalid-destination")
        if self.busy(dn):
            return self.refuse(r, "busy")
        c = self.create(name, dn, dest)
        e = self.caller_event("EventDialing", c, dialed=True)
        e["CallState"] = "OK"
        e["ReferenceID"] = r["ReferenceID"]

    def answer(self, r):
        why = self.check_dn(r)
        if why:
            return self.refuse(r, why)
        c = self.live(r["call"])
        if c is None:
            return self.refuse(r, "invalid-connid")
        if c.phase != "alerting" or c.target != r["ThisDN"]:
            return self.refuse(r, "not-ringing")
        self.establish(c, r["ReferenceID"])

    def release(self, r):
        why = self.check_dn(r)
        if why:
            return self.refuse(r, why)
        c = self.live(r["call"])
        if c is None:
            return self.refuse(r, "invalid-connid")
        dn = r["ThisDN"]
        if dn == c.origin:
            return self.release_by_caller(c, r["ReferenceID"])
        if dn == c.target and c.phase == "established":
            return self.release_by_destination(c, r["ReferenceID"])
        if dn == c.target and c.phase == "alerting":
            return self.refuse(r, "invalid-state")
        return self.refuse(r, "invalid-connid")

    def hold_or_retrieve(self, r, hold):
        why = self.check_dn(r)
        if why:
            return self.refuse(r, why)
        c = self.live(r["call"])
        if c is None:
            return self.refuse(r, "invalid-connid")
        dn = r["ThisDN"]
        caller = dn == c.origin
        dest = dn == c.target and c.phase == "established"
        if not caller and not dest:
            return self.refuse(r, "invalid-state" if dn == c.target else "invalid-connid")
        if caller and hold and c.phase == "busy":
            return self.refuse(r, "invalid-state")
        held = c.origin_held if caller else c.dest_held
        if held == hold:
            return self.refuse(r, "already")
        if caller:
            c.origin_held = hold
        else:
            c.dest_held = hold
        name = "EventHeld" if hold else "EventRetrieved"
        e = self.caller_event(name, c) if caller else self.party_event(name, c, dn)
        if not hold:
            e["CallState"] = "OK"
        e["ReferenceID"] = r["ReferenceID"]

    # ---- switch and network stimuli: applied, or ignored with a reason
    def inbound(self, r):
        name, dn, dest = r["call"], r["ThisDN"], r["OtherDN"]
        if name in self.calls:
            return "exists"
        if self.monitored(dn):
            return "not-external"
        if not self.monitored(dest):
            return "bad-destination"
        self.create(name, dn, dest)

    def remote_answer(self, r):
        c = self.live(r["call"])
        if c is None:
            return "unknown"
        if self.monitored(c.target):
            return "no-external"
        if c.phase != "network":
            return "phase"
        self.establish(c, 0)

    def remote_busy(self, r):
        c = self.live(r["call"])
        if c is None:
            return "unknown"
        if self.monitored(c.target):
            return "no-external"
        if c.phase not in ("transit", "network"):
            return "phase"
        c.pending = 0
        c.phase = "busy"
        e = self.caller_event("EventDestinationBusy", c)
        if e:
            e["CallState"] = r.get("CallState", "Busy")

    def remote_release(self, r):
        c = self.live(r["call"])
        if c is None:
            return "unknown"
        if not self.monitored(c.target) and c.phase in ("network", "established"):
            e = self.caller_event("EventReleased", c)
            if e:
                e["CallState"] = "OK"
            self.clear(c)
            return None
        if not self.monitored(c.origin):
            self.release_by_caller(c, 0)
            return None
        return "no-external"

    def step(self, r):
        c = self.calls.get(r["call"])
        if c is None or not c.pending:
            return "nothing-pending"
        self.fire(c)

    def apply(self, r):
        verb = r["request"]
        ignored = None
        if verb == "make-call":
            self.make_call(r)
        elif verb == "answer":
            self.answer(r)
        elif verb == "release":
            self.release(r)
        elif verb == "hold":
            self.hold_or_retrieve(r, True)
        elif verb == "retrieve":
            self.hold_or_retrieve(r, False)
        elif verb == "inbound":
            ignored = self.inbound(r)
        elif verb == "remote-answer":
            ignored = self.remote_answer(r)
        elif verb == "remote-busy":
            ignored = self.remote_busy(r)
        elif verb == "remote-release":
            ignored = self.remote_release(r)
        elif verb == "pause":
            self.paused = True
        elif verb == "resume":
            self.paused = False
        elif verb == "step":
            ignored = self.step(r)
        else:
            raise ValueError("unsupported request %r" % verb)
        if not self.paused:
            self.run_pending()
        return ignored


HELLO = {
    "model": "python-example",
    "version": "1.0" + (" (--fault)" if FAULT else ""),
    "supports": {
        "dn_kinds": ["extension", "external"],
        "stimuli": ["make-call", "answer", "release", "hold", "retrieve", "inbound", "remote-answer",
                    "remote-busy", "remote-release", "pause", "step", "resume"],
        # Options that change nothing in these flows take both values. This model draws
        # outbound calls with EventNetworkReached reported only, and says so: callbench
        # refuses a scenario with network-reached simulated and never fuzzes one.
        "options": {"network-reached": ["reported"]},
    },
}


def main():
    # Lines are read as they come and answered in batches: every complete line that has
    # arrived is handled, then all the answers go out in one write. callbench waits for
    # each answer before the next request (`run --journal`) or sends a session's
    # requests at once (campaigns); both work, and a campaign costs one read and one
    # write per session instead of one per request.
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    loads = json.loads
    session = None
    pending = b""
    while True:
        chunk = os.read(0, 1 << 16)
        if not chunk:
            return
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        out = []
        for line in lines:
            if not line.strip():
                continue
            m = loads(line)
            if "request" in m:
                ignored = session.apply(m)
                out.extend(dumps(e) for e in session.out)
                session.out.clear()
                if ignored:
                    out.append(dumps({"done": m["seq"], "ignored": IGNORED[ignored]}))
                else:
                    out.append('{"done":%d}' % m["seq"])
            elif "session" in m:
                session = Session(m["session"])
            elif "hello" in m:
                out.append(dumps(HELLO))
            # {"end": true}: nothing to do; the next session line starts afresh.
        if out:
            data = ("\n".join(out) + "\n").encode()
            while data:
                data = data[os.write(1, data):]


if __name__ == "__main__":
    main()
