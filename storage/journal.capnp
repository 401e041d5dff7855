@0xdbb91252a811e538;
# The callbench journal's payloads.
#
# Every payload in a journal (sessions.header, requests.payload, events.payload) is one
# canonical Record (capnp::canonicalize: a single segment, pre-order, no padding), so
# equal content means equal bytes and "bit-exact" means byte-equal. A reader decodes a
# payload from an 8-byte-aligned copy with a fresh reader and tight ReaderOptions
# limits (storage/codec.cc), checks that it is canonical, and validates every field.
#
# Names, not ids: DNs, calls and ConnIDs are stored as text, as a T-Server log shows
# them, so a payload is readable on its own (the SQL function decode(payload) needs
# nothing else). The JSON form of a Record is derived from this schema by Cap'n Proto's
# JSON codec: $Json.name gives T-Lib's names, a field at its default (an absent
# attribute) is left out, and the union's members are flattened, so an event reads
# {"event":"EventRinging","seq":2,...,"ThisDN":"7002",...}.
#
# Compatibility: never renumber or retype a field. An incompatible change bumps
# formatVersion (checked on open, with a readable error).

using Cxx = import "/capnp/c++.capnp";
using Json = import "/capnp/compat/json.capnp";
$Cxx.namespace("callbench::schema");

const formatVersion :UInt32 = 1;

struct Record {
  union {
    header @0 :SessionHeader $Json.flatten();
    request @1 :Request $Json.flatten();
    event @2 :Event $Json.flatten();
    log @3 :LogRow $Json.flatten();
  }
}

struct SessionHeader {
  # Everything needed to rebuild the session's engine, plus the names the edges print.
  formatVersion @0 :UInt32;   # = formatVersion above
  engineVersion @1 :Text;     # the callbench that recorded the session
  seed @2 :UInt64;            # the session seed (ConnIDs derive from it)
  dns @3 :List(Dn);           # the topology, DnId = index; at most 256, names unique
  options @4 :List(Option);   # every switch-profile option, in SwitchProfile's order
  callNames @5 :List(Text);   # CallId = index: the scenario's names ("c1")
  model @6 :Model;            # the call model that produced it; absent: the built-in engine
  # An observed session (imported from a T-Server log or a JSON-lines stream): events
  # came with client requests at most, request_seq may be 0 (Session::observed).
  observed @7 :Bool;
  # The stream did not state its switch profile (Session::profile_known false).
  profileUnknown @8 :Bool;
}

struct Model {
  # A call model other than the built-in engine (--model exec:... or plugin:...).
  kind @0 :Text;     # "exec" or "plugin"
  name @1 :Text;     # the name it reports
  version @2 :Text;  # the version it reports
  command @3 :Text;  # exec: the command; plugin: the library's path
}

struct LogRow {
  # What an imported log's row keeps beside its model payload (the log_rows table):
  # where it was, when, and every attribute the model has no field for.
  message @0 :Text;                               # EventRinging, RequestAttachUserData, ...
  line @1 :UInt32;                                # the log's line of its header
  time @2 :Text;                                  # 2015-05-29T12:21:16.438 (no date: 12:21:16.438)
  callUuid @3 :Text $Json.name("CallUUID");
  attributes @4 :List(LogAttribute);              # in the log's order
}

struct LogAttribute {
  name @0 :Text;      # without "Attribute": CallType, UserData; a nested value's key
  value @1 :Text;     # without quotes; a nested value's [N] hex.. header
  quoted @2 :Bool;    # the log wrote it as a 'string'
  nested @3 :Bool;    # a nested value or (list): its pairs in `list`
  list @4 :List(LogAttribute);
}

struct Dn {
  name @0 :Text;   # 1 to 32 of A-Z a-z 0-9 _ + * # . -
  kind @1 :DnKind;
}

enum DnKind {
  none @0;  # never written
  extension @1 $Json.name("extension");
  acdQueue @2 $Json.name("acd-queue");
  routingPoint @3 $Json.name("routing-point");
  routingQueue @4 $Json.name("routing-queue");
  external @5 $Json.name("external");
  remoteExtension @6 $Json.name("remote-extension");
}

struct Option {
  name @0 :Text;   # "dial-info"
  value @1 :Text;  # "on"
}

struct Request {
  # One stimulus (client request, switch/network stimulus or timing control) and what
  # became of it. Arguments are named as T-Lib's attributes: ThisDN is the first DN
  # argument, OtherDN the second.
  request @0 :Verb $Json.name("request");
  seq @1 :UInt32;                                 # 1.. in the session
  referenceId @2 :UInt32 $Json.name("ReferenceID"); # client requests only, 1..2^31-1
  call @3 :Text;                                  # the call's name, when it takes one
  thisDn @4 :Text $Json.name("ThisDN");
  otherDn @5 :Text $Json.name("OtherDN");
  callState @6 :CallState $Json.name("CallState"); # remote-busy's reason, when given
  ignored @7 :Text;                               # set when the engine ignored it: why
}

struct Event {
  # One T-Lib event as delivered to ThisDN. Absent attributes are at their defaults.
  event @0 :EventType $Json.name("event");
  seq @1 :UInt32;                                    # AttributeEventSequenceNumber
  requestSeq @2 :UInt32 $Json.name("request_seq");   # the stimulus that caused it
  call @3 :Text;                                     # the call's name
  connId @4 :Text $Json.name("ConnID");              # 16 lower-case hex digits
  thisDn @5 :Text $Json.name("ThisDN");
  thisDnRole @6 :DnRole $Json.name("ThisDNRole");
  thisQueue @7 :Text $Json.name("ThisQueue");
  otherDn @8 :Text $Json.name("OtherDN");
  otherDnRole @9 :DnRole $Json.name("OtherDNRole");
  thirdPartyDn @10 :Text $Json.name("ThirdPartyDN");
  thirdPartyDnRole @11 :DnRole $Json.name("ThirdPartyDNRole");
  thirdPartyQueue @12 :Text $Json.name("ThirdPartyQueue");
  callState @13 :CallState $Json.name("CallState");
  referenceId @14 :UInt32 $Json.name("ReferenceID");
  errorCode @15 :UInt16 $Json.name("ErrorCode");     # T-Lib error code, EventError only
  errorMessage @16 :Text $Json.name("ErrorMessage");
}
enum Verb {
  none @0;  # never written
  makeCall @1 $Json.name("make-call");
  answer @2 $Json.name("answer");
  release @3 $Json.name("release");
  hold @4 $Json.name("hold");
  retrieve @5 $Json.name("retrieve");
  route @6 $Json.name("route");
  inbound @7 $Json.name("inbound");
  queue @8 $Json.name("queue");
  divert @9 $Json.name("divert");
  park @10 $Json.name("park");
  pickup @11 $Json.name("pickup");
  remoteAnswer @12 $Json.name("remote-answer");
  remoteBusy @13 $Json.name("remote-busy");
  remoteRelease @14 $Json.name("remote-release");
  routeTimeout @15 $Json.name("route-timeout");
  pause @16 $Json.name("pause");
  step @17 $Json.name("step");
  resume @18 $Json.name("resume");
}

enum EventType {
  # T-Lib numbers: the codec maps them; ordinals here are only positions.
  none @0;  # never written
  error @1 $Json.name("EventError");  # 52
  queued @2 $Json.name("EventQueued");  # 57
  diverted @3 $Json.name("EventDiverted");  # 58
  abandoned @4 $Json.name("EventAbandoned");  # 59
  ringing @5 $Json.name("EventRinging");  # 60
  dialing @6 $Json.name("EventDialing");  # 61
  networkReached @7 $Json.name("EventNetworkReached");  # 62
  destinationBusy @8 $Json.name("EventDestinationBusy");  # 63
  established @9 $Json.name("EventEstablished");  # 64
  released @10 $Json.name("EventReleased");  # 65
  held @11 $Json.name("EventHeld");  # 66
  retrieved @12 $Json.name("EventRetrieved");  # 67
  routeRequest @13 $Json.name("EventRouteRequest");  # 71
  routeUsed @14 $Json.name("EventRouteUsed");  # 72
}

enum DnRole {
  none @0;  # absent
  unknown @1 $Json.name("Unknown");  # T-Lib 0
  origination @2 $Json.name("Origination");  # T-Lib 1
  destination @3 $Json.name("Destination");  # T-Lib 2
  conferenceMember @4 $Json.name("ConferenceMember");  # T-Lib 3
  newParty @5 $Json.name("NewParty");  # T-Lib 4
  addedBy @6 $Json.name("AddedBy");  # T-Lib 5
  deletedBy @7 $Json.name("DeletedBy");  # T-Lib 6
  transferredBy @8 $Json.name("TransferredBy");  # T-Lib 7
  deletedParty @9 $Json.name("DeletedParty");  # T-Lib 8
  conferencedBy @10 $Json.name("ConferencedBy");  # T-Lib 9
  observer @11 $Json.name("Observer");  # T-Lib 10
}

enum CallState {
  none @0;  # absent
  ok @1 $Json.name("OK");  # T-Lib 0
  transferred @2 $Json.name("Transferred");  # T-Lib 1
  conferenced @3 $Json.name("Conferenced");  # T-Lib 2
  generalError @4 $Json.name("GeneralError");  # T-Lib 3
  systemError @5 $Json.name("SystemError");  # T-Lib 4
  remoteRelease @6 $Json.name("RemoteRelease");  # T-Lib 5
  busy @7 $Json.name("Busy");  # T-Lib 6
  noAnswer @8 $Json.name("NoAnswer");  # T-Lib 7
  sitDetected @9 $Json.name("SitDetected");  # T-Lib 8
  answeringMachineDetected @10 $Json.name("AnsweringMachineDetected");  # T-Lib 9
  allTrunksBusy @11 $Json.name("AllTrunksBusy");  # T-Lib 10
  sitInvalidNum @12 $Json.name("SitInvalidNum");  # T-Lib 11
  sitVacant @13 $Json.name("SitVacant");  # T-Lib 12
  sitIntercept @14 $Json.name("SitIntercept");  # T-Lib 13
  sitUnknown @15 $Json.name("SitUnknown");  # T-Lib 14
  sitNoCircuit @16 $Json.name("SitNoCircuit");  # T-Lib 15
  sitReorder @17 $Json.name("SitReorder");  # T-Lib 16
  faxDetected @18 $Json.name("FaxDetected");  # T-Lib 17
  queueFull @19 $Json.name("QueueFull");  # T-Lib 18
  cleared @20 $Json.name("Cleared");  # T-Lib 19
  overflowed @21 $Json.name("Overflowed");  # T-Lib 20
  abandoned @22 $Json.name("Abandoned");  # T-Lib 21
  redirected @23 $Json.name("Redirected");  # T-Lib 22
  forwarded @24 $Json.name("Forwarded");  # T-Lib 23
  consult @25 $Json.name("Consult");  # T-Lib 24
  pickedUp @26 $Json.name("PickedUp");  # T-Lib 25
  dropped @27 $Json.name("Dropped");  # T-Lib 26
  droppedNoAnswer @28 $Json.name("DroppedNoAnswer");  # T-Lib 27
  unknown @29 $Json.name("Unknown");  # T-Lib 28
  covered @30 $Json.name("Covered");  # T-Lib 29
  converseOn @31 $Json.name("ConverseOn");  # T-Lib 30
  bridged @32 $Json.name("Bridged");  # T-Lib 31
  deafened @33 $Json.name("Deafened");  # T-Lib 49
  held @34 $Json.name("Held");  # T-Lib 50
}
