#ifndef ZOO_POOL_H
#define ZOO_POOL_H
#include <stddef.h>

/// One piece of a parallel job: `worker` runs from 0 to the job's worker count - 1.
typedef void (*zoo_pool_task)(void *context, ptrdiff_t worker);

/// Runs task(context, w) for every w in [0, workers) and returns when all have finished: w = 0
/// on the calling thread, the rest on the pool's threads, which spin briefly between jobs (a
/// network's layers come back to back) and then sleep.
///
/// Returns 0 when the job ran, or -1 without running anything when the pool cannot take it
/// (another thread's job is in progress, more workers than the pool has threads, or no pool on
/// this platform); the caller then runs the job some other way.
int zoo_pool_run(ptrdiff_t workers, zoo_pool_task task, void *context);

/// Threads the pool can use besides the caller's (online CPUs - 1), 0 when there is no pool.
ptrdiff_t zoo_pool_capacity(void);

#endif
