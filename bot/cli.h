#pragma once
// The `ddd` command line (CLI11): `ddd scan`, `ddd run --local`, `ddd help`,
// `ddd --version`. Exit codes: 0 the command ran, 1 `scan --fail-on` threshold
// reached, 2 usage errors (unknown flags, missing paths, non-repositories, unknown
// refs or analyzers, empty repositories) with one message naming the problem on
// stderr, 3 internal or runtime errors.

namespace ddd::bot {

int runCli(int argc, char** argv);

}  // namespace ddd::bot
