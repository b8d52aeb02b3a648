#ifdef __linux__
#define _GNU_SOURCE
#include <sched.h>
#endif
#include "zoo_cpu_count.h"

int zoo_affinity_cpu_count(void) {
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
#endif
    return 0;
}
