// main() for benchmark binaries made only of static registrations.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
