#include "bot/cli.h"

int main(int argc, char** argv) { return ddd::bot::runCli(argc, argv); }
