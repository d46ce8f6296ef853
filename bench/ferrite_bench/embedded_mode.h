// `ferrite-bench embedded`: the store through its embedded API (ferrite::Db), with no
// server or network in between. Loads N keys into a fresh directory, then runs the
// phases asked for: the memory each key takes, and uniform and Zipfian GETs at each
// queue depth, every value checked.
#pragma once

namespace ferrite::bench {

// `argv[0]` is the mode's name. Exit status: 0, 1 when the run failed (an error, a
// missing key or a wrong value), 2 for a bad command line.
int RunEmbeddedMode(int argc, char** argv);

}  // namespace ferrite::bench
