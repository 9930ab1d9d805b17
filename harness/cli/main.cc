#include "cli/commands.h"

int main(int argc, char** argv) { return flowbench::cli_main(argc, argv); }
