#ifndef ZOO_POOL_H
#define ZOO_POOL_H
#include <stddef.h>

/// One piece of a parallel job, run by the thread holding slot `worker` (0 ..< workers); no two
/// threads hold the same slot at once, so a slot can own scratch memory.
typedef void (*zoo_pool_task)(void *context, ptrdiff_t worker, ptrdiff_t piece);

/// Runs task(context, slot, p) for every piece p in [0, pieces) and returns when all have
/// finished. The caller takes slot 0 and up to workers - 1 pool threads the other slots; each
/// claims pieces one at a time, so a thread the OS has descheduled holds up at most one piece.
/// Pool threads spin briefly between jobs (a network's layers come back to back), then sleep.
///
/// Returns 0 when the job ran, or -1 without running anything when the pool cannot take it
/// (another thread's job is in progress, more workers than the pool has threads, or no pool on
/// this platform); the caller then runs the job some other way.
int zoo_pool_run(ptrdiff_t workers, ptrdiff_t pieces, zoo_pool_task task, void *context);

/// Threads the pool can use besides the caller's (online CPUs - 1), 0 when there is no pool.
ptrdiff_t zoo_pool_capacity(void);

#endif
