import CZooKernels
import Dispatch

/// A raw pointer that closures may capture across worker threads. Kernels only hand such
/// pointers to workers that read shared inputs or write disjoint parts of the output.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// Read-only twin of `SharedPointer`.
struct SharedConstPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    init(_ base: UnsafePointer<T>) { self.base = base }
}

/// Runs `body(worker, range)` over contiguous chunks of `0..<count`, one chunk per worker.
///
/// At most `threads` workers run, and none gets fewer than `grain` items, so small jobs run
/// inline on the calling thread. Chunk boundaries never change what one item computes, so
/// kernels give the same bits for any thread count.
func parallelFor(count: Int, grain: Int = 1, threads: Int,
                 _ body: @Sendable (_ worker: Int, _ range: Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = workerCount(count: count, grain: grain, threads: threads)
    if workers == 1 {
        body(0, 0..<count)
        return
    }
    let chunk: @Sendable (Int) -> Void = { w in body(w, (count * w / workers)..<(count * (w + 1) / workers)) }
    let ranOnPool = withoutActuallyEscaping(chunk) { chunk in
        let job = PoolJob(run: chunk)
        return withExtendedLifetime(job) {
            zoo_pool_run(workers, { context, worker in
                Unmanaged<PoolJob>.fromOpaque(context!).takeUnretainedValue().run(worker)
            }, Unmanaged.passUnretained(job).toOpaque()) == 0
        }
    }
    // The pool is busy with another caller's job (concurrent runs): Dispatch's threads then.
    if !ranOnPool { DispatchQueue.concurrentPerform(iterations: workers, execute: chunk) }
}

/// A parallel job as the C pool sees it: one object it can point at.
private final class PoolJob {
    let run: @Sendable (Int) -> Void
    init(run: @escaping @Sendable (Int) -> Void) { self.run = run }
}

/// How many workers `parallelFor` uses for `count` items: the scratch a kernel needs
/// scales with this.
func workerCount(count: Int, grain: Int = 1, threads: Int) -> Int {
    let byGrain = max(1, count / max(grain, 1))
    return max(1, min(threads, byGrain, count))
}
