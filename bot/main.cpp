#include <malloc.h>

#include <algorithm>
#include <thread>

#include "bot/cli.h"

int main(int argc, char** argv) {
  // At most one malloc arena per core (glibc's default is eight per core). ddd's threads
  // beyond the cores mostly wait on the network (8 registry look-ups at a time on 2
  // cores); each arena of their own would keep its freed pages: 31 -> 29 MB peak RSS for
  // eslint's 100 look-ups on 2 cores, no slower (tests/bench/README.md).
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, std::thread::hardware_concurrency())));
  return ddd::bot::runCli(argc, argv);
}
