/* What a fuzz target asserts: a failed invariant aborts, so libFuzzer keeps the input
 * as a crash (and the corpus replay fails), with the check named on stderr. */
#ifndef SIPRELAY_FUZZ_CHECK_H
#define SIPRELAY_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(x)                                                                  \
	do {                                                                      \
		if (!(x)) {                                                       \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #x); \
			abort();                                                  \
		}                                                                 \
	} while (0)

#endif
