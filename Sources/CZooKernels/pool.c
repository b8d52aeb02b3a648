// The thread pool behind every parallel kernel. Dispatch's concurrentPerform costs tens of
// microseconds to wake its workers, once per layer; a MobileNetV2 has a hundred layers of a few
// tens of microseconds each. These workers spin for 2 ms after each job (timed by the clock: a
// `pause` lasts anywhere from 10 to 140 cycles, depending on the CPU), so the next layer finds
// them awake, then sleep on a futex.
#include "zoo_pool.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 63 };

/// How long an idle worker, or a caller waiting for the last piece, spins before sleeping.
static const int64_t SPIN_NANOSECONDS = 2000000;

/// next_slot between jobs: every slot handed out, with room for late claims to add to it.
static const ptrdiff_t NO_JOB = PTRDIFF_MAX / 2;

static struct {
    pthread_once_t once;
    ptrdiff_t capacity;              // worker threads started
    atomic_flag busy;                // held by the thread whose job is running
    _Atomic uint32_t generation;     // bumped for each job; idle workers wait for it to change
    _Atomic uint32_t sleepers;       // workers asleep on `generation`
    _Atomic ptrdiff_t next_slot;     // the next worker slot to hand out for the current job
    _Atomic uint64_t unclaimed;      // pieces not yet handed out: [low 32 bits, high 32 bits)
    _Atomic uint32_t remaining;      // pieces not yet finished, plus pool threads still holding a slot
    _Atomic uint32_t caller_waiting; // the job's caller is asleep on `remaining`
    // The job: written before next_slot is reset, read after claiming a slot below `workers`.
    zoo_pool_task task;
    void *context;
    _Atomic ptrdiff_t workers;
    ptrdiff_t pieces;
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

static int64_t now_nanoseconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/// Spins until *value differs from `unchanged` or SPIN_NANOSECONDS pass; returns the last value read.
static uint32_t spin_while_equal(_Atomic uint32_t *value, uint32_t unchanged) {
    uint32_t now = atomic_load(value);
    int64_t deadline = 0;
    for (int round = 0; now == unchanged; round++) {
        if ((round & 63) == 0) {  // the clock costs about 20 ns: read it now and then
            int64_t t = now_nanoseconds();
            if (deadline == 0) deadline = t + SPIN_NANOSECONDS;
            else if (t >= deadline) break;
        }
        pause_briefly();
        now = atomic_load(value);
    }
    return now;
}

static void finished(uint32_t count) {
    if (atomic_fetch_sub(&pool.remaining, count) == count && atomic_load(&pool.caller_waiting)) {
        futex_wake_all(&pool.remaining);
    }
}

/// The next unclaimed piece for `slot`, or -1 when none is left. Slot 1 takes pieces from the back,
/// every other slot from the front: with two threads, each works on the same end of every layer
/// (the same rows of a GEMM's output, the same images, the same Winograd tiles), so most of what it
/// reads the layer before wrote on its own core, not the other's. Handing out pieces in order to
/// whoever asked first mixed them from layer to layer (Zen 5 VM, batch 1, against that: bf16
/// resnet50 0.97, resnet18 0.96, mobilenet_v2 0.92; fp32 0.97-0.99; batch 8 unchanged).
static ptrdiff_t claim(ptrdiff_t slot) {
    uint64_t span = atomic_load(&pool.unclaimed);
    for (;;) {
        uint32_t front = (uint32_t)span, back = (uint32_t)(span >> 32);
        if (front >= back) return -1;
        uint64_t next = slot == 1 ? ((uint64_t)(back - 1) << 32) | front : ((uint64_t)back << 32) | (front + 1);
        if (atomic_compare_exchange_weak(&pool.unclaimed, &span, next)) return slot == 1 ? back - 1 : front;
    }
}

/// Runs pieces of the current job as `slot` until none are left unclaimed.
static void run_pieces(ptrdiff_t slot) {
    for (;;) {
        ptrdiff_t piece = claim(slot);
        if (piece < 0) return;
        pool.task(pool.context, slot, piece);
        finished(1);
    }
}

/// A pool thread's part in the current job: a slot if one is left, then pieces.
static void join_job(void) {
    ptrdiff_t slot = atomic_fetch_add(&pool.next_slot, 1);
    if (slot >= atomic_load(&pool.workers)) return;
    run_pieces(slot);
    finished(1);  // the slot itself: the caller waits until no thread can still claim a piece
}

static void *worker_main(void *unused) {
    (void)unused;
    uint32_t seen = atomic_load(&pool.generation);
    for (;;) {
        uint32_t now = spin_while_equal(&pool.generation, seen);
        if (now == seen) {
            atomic_fetch_add(&pool.sleepers, 1);
            if (atomic_load(&pool.generation) == seen) futex_wait(&pool.generation, seen);
            atomic_fetch_sub(&pool.sleepers, 1);
            continue;
        }
        seen = now;
        join_job();
    }
    return NULL;
}

static void start_workers(void) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    ptrdiff_t wanted = online > 1 ? (ptrdiff_t)online - 1 : 0;
    if (wanted > MAX_THREADS) wanted = MAX_THREADS;
    // Workers start with no job: every index is already handed out.
    atomic_store(&pool.next_slot, NO_JOB);
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

int zoo_pool_run(ptrdiff_t workers, ptrdiff_t pieces, zoo_pool_task task, void *context) {
    if (workers < 1 || pieces < 1 || pieces > UINT32_MAX || workers - 1 > zoo_pool_capacity()) return -1;
    if (atomic_flag_test_and_set(&pool.busy)) return -1;
    pool.task = task;
    pool.context = context;
    pool.pieces = pieces;
    atomic_store(&pool.workers, workers);
    // Every piece, plus every pool slot: a slot counts until its thread stops claiming pieces.
    atomic_store(&pool.remaining, (uint32_t)(pieces + workers - 1));
    atomic_store(&pool.unclaimed, (uint64_t)pieces << 32);
    atomic_store(&pool.next_slot, 1);  // slot 0 is the caller's
    atomic_fetch_add(&pool.generation, 1);
    if (atomic_load(&pool.sleepers) > 0) futex_wake_all(&pool.generation);

    run_pieces(0);
    // Slots no pool thread claimed (all busy elsewhere or asleep): close them here.
    for (;;) {
        ptrdiff_t slot = atomic_fetch_add(&pool.next_slot, 1);
        if (slot >= workers) break;
        finished(1);
    }
    uint32_t left = atomic_load(&pool.remaining);
    while (left != 0) {
        // Wait for the pieces other threads still hold: spin (they are usually microseconds
        // from done), then sleep until the last one finishes.
        uint32_t seen = left;
        left = spin_while_equal(&pool.remaining, seen);
        if (left != seen) continue;
        atomic_store(&pool.caller_waiting, 1);
        left = atomic_load(&pool.remaining);
        if (left != 0) futex_wait(&pool.remaining, left);
        atomic_store(&pool.caller_waiting, 0);
        left = atomic_load(&pool.remaining);
    }
    atomic_store(&pool.next_slot, NO_JOB);
    atomic_flag_clear(&pool.busy);
    return 0;
}

#else

ptrdiff_t zoo_pool_capacity(void) { return 0; }

int zoo_pool_run(ptrdiff_t workers, ptrdiff_t pieces, zoo_pool_task task, void *context) {
    (void)workers;
    (void)pieces;
    (void)task;
    (void)context;
    return -1;
}

#endif
