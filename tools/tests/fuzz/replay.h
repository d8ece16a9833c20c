/*
 * replay.h: running a fuzz harness's corpus without libFuzzer.
 *
 * Each harness defines LLVMFuzzerTestOneInput(); libFuzzer supplies main()
 * when fuzzing. For `make replay` (any host compiler, optionally with
 * ASan/UBSan) the harness's own main() calls fuzz_replay() on its
 * arguments, then prints its statistics.
 */
#ifndef FUZZ_REPLAY_H
#define FUZZ_REPLAY_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Feed every file named (a directory: each of its files, in name order,
 * dot files skipped) to LLVMFuzzerTestOneInput, at most 1 MiB of each.
 * 0, or -1 if a file could not be read.
 */
int fuzz_replay(int argc, char **argv);

#endif /* FUZZ_REPLAY_H */
