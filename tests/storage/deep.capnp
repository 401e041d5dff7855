@0xc7a3e1f2b4d59e01;
# Tests only: a recursive struct, to build payloads nested past the reader's limit.
using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("callbench::test");

struct Node {
  child @0 :Node;
  data @1 :Data;
}
