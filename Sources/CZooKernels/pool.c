// The thread pool behind every parallel kernel. Dispatch's concurrentPerform costs tens of
// microseconds to wake its workers, once per layer; a MobileNetV2 has a hundred layers of a few
// tens of microseconds each. These workers spin for about a millisecond after each job, so the
// next layer finds them awake, then sleep on a futex.
#include "zoo_pool.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { MAX_THREADS = 63, SPIN_ROUNDS = 10000 };

/// next_index between jobs: every index handed out, with room for late claims to add to it.
static const ptrdiff_t NO_JOB = PTRDIFF_MAX / 2;

static struct {
    pthread_once_t once;
    ptrdiff_t capacity;              // worker threads started
    atomic_flag busy;                // held by the thread whose job is running
    _Atomic uint32_t generation;     // bumped for each job; idle workers wait for it to change
    _Atomic uint32_t sleepers;       // workers asleep on `generation`
    _Atomic ptrdiff_t next_index;    // the next worker index to hand out for the current job
    _Atomic uint32_t remaining;      // pool workers still running the current job
    _Atomic uint32_t caller_waiting; // the job's caller is asleep on `remaining`
    // The job: written before next_index is reset, read after claiming an index below `workers`.
    zoo_pool_task task;
    void *context;
    _Atomic ptrdiff_t workers;
} pool = {.once = PTHREAD_ONCE_INIT, .busy = ATOMIC_FLAG_INIT};

static void futex_wait(_Atomic uint32_t *address, uint32_t expected) {
    syscall(SYS_futex, (uint32_t *)address, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *address) {
    syscall(SYS_futex, (uint32_t *)address, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL, 0);
}

static inline void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/// Claims worker indices of the current job until none are left, running each.
static void run_claimed(void) {
    for (;;) {
        ptrdiff_t index = atomic_fetch_add(&pool.next_index, 1);
        if (index >= atomic_load(&pool.workers)) return;
        pool.task(pool.context, index);
        if (atomic_fetch_sub(&pool.remaining, 1) == 1 && atomic_load(&pool.caller_waiting)) {
            futex_wake_all(&pool.remaining);
        }
    }
}

static void *worker_main(void *unused) {
    (void)unused;
    uint32_t seen = atomic_load(&pool.generation);
    for (;;) {
        uint32_t now = atomic_load(&pool.generation);
        for (int spin = 0; now == seen && spin < SPIN_ROUNDS; spin++) {
            pause_briefly();
            now = atomic_load(&pool.generation);
        }
        if (now == seen) {
            atomic_fetch_add(&pool.sleepers, 1);
            if (atomic_load(&pool.generation) == seen) futex_wait(&pool.generation, seen);
            atomic_fetch_sub(&pool.sleepers, 1);
            continue;
        }
        seen = now;
        run_claimed();
    }
    return NULL;
}

static void start_workers(void) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    ptrdiff_t wanted = online > 1 ? (ptrdiff_t)online - 1 : 0;
    if (wanted > MAX_THREADS) wanted = MAX_THREADS;
    // Workers start with no job: every index is already handed out.
    atomic_store(&pool.next_index, NO_JOB);
    for (ptrdiff_t i = 0; i < wanted; i++) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attributes, worker_main, NULL);
        pthread_attr_destroy(&attributes);
        if (failed) break;
        pool.capacity++;
    }
}

ptrdiff_t zoo_pool_capacity(void) {
    pthread_once(&pool.once, start_workers);
    return pool.capacity;
}

int zoo_pool_run(ptrdiff_t workers, zoo_pool_task task, void *context) {
    if (workers < 1 || workers - 1 > zoo_pool_capacity()) return -1;
    if (atomic_flag_test_and_set(&pool.busy)) return -1;
    pool.task = task;
    pool.context = context;
    atomic_store(&pool.workers, workers);
    atomic_store(&pool.remaining, (uint32_t)(workers - 1));
    atomic_store(&pool.next_index, 1);  // index 0 is the caller's
    atomic_fetch_add(&pool.generation, 1);
    if (atomic_load(&pool.sleepers) > 0) futex_wake_all(&pool.generation);

    task(context, 0);
    // Help with indices no worker has claimed yet, then wait for the ones in progress.
    for (;;) {
        ptrdiff_t index = atomic_fetch_add(&pool.next_index, 1);
        if (index >= workers) break;
        task(context, index);
        atomic_fetch_sub(&pool.remaining, 1);
    }
    uint32_t left = atomic_load(&pool.remaining);
    for (int spin = 0; left != 0 && spin < SPIN_ROUNDS * 10; spin++) {
        pause_briefly();
        left = atomic_load(&pool.remaining);
    }
    while (left != 0) {
        atomic_store(&pool.caller_waiting, 1);
        left = atomic_load(&pool.remaining);
        if (left != 0) futex_wait(&pool.remaining, left);
        atomic_store(&pool.caller_waiting, 0);
        left = atomic_load(&pool.remaining);
    }
    atomic_store(&pool.next_index, NO_JOB);
    atomic_flag_clear(&pool.busy);
    return 0;
}

#else

ptrdiff_t zoo_pool_capacity(void) { return 0; }

int zoo_pool_run(ptrdiff_t workers, zoo_pool_task task, void *context) {
    (void)workers;
    (void)task;
    (void)context;
    return -1;
}

#endif
