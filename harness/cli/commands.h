// The `flowbench` command line: parses arguments and hands over to the library.
#pragma once

namespace flowbench {

// Runs the CLI; returns the process exit status (0 ok, 1 tasks failed, 2 bad input,
// 128+N interrupted by signal N).
int cli_main(int argc, char** argv);

}  // namespace flowbench
