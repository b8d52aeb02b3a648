#ifndef ZOO_CPU_COUNT_H
#define ZOO_CPU_COUNT_H

/// The CPUs in this process's affinity mask (sched_getaffinity, which Swift's Glibc module does
/// not export), or 0 where that is unknown (not Linux, or the call failed).
int zoo_affinity_cpu_count(void);

#endif
