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

/// Runs `body(worker, range)` over contiguous pieces of `0..<count`.
///
/// At most `threads` workers run, and none gets fewer than `grain` items, so small jobs run
/// inline on the calling thread. Each worker slot is held by one thread at a time and may own
/// scratch memory; a slot may get several pieces. Pieces are claimed one at a time, so a worker
/// the OS has descheduled (the machine is shared) delays at most its current piece. Piece
/// boundaries never change what one item computes, so kernels give the same bits for any
/// thread count.
package func parallelFor(count: Int, grain: Int = 1, threads: Int,
                 _ body: @Sendable (_ worker: Int, _ range: Range<Int>) -> Void) {
    guard count > 0 else { return }
    let workers = workerCount(count: count, grain: grain, threads: threads)
    if workers == 1 {
        body(0, 0..<count)
        return
    }
    let pieces = min(count, workers * piecesPerWorker)
    let piece: @Sendable (Int, Int) -> Void = { worker, p in body(worker, (count * p / pieces)..<(count * (p + 1) / pieces)) }
    let ranOnPool = withoutActuallyEscaping(piece) { piece in
        let job = PoolJob(run: piece)
        return withExtendedLifetime(job) {
            zoo_pool_run(workers, pieces, { context, worker, p in
                Unmanaged<PoolJob>.fromOpaque(context!).takeUnretainedValue().run(worker, p)
            }, Unmanaged.passUnretained(job).toOpaque()) == 0
        }
    }
    // The pool is busy with another caller's job (concurrent runs): Dispatch's threads then,
    // one contiguous share each.
    if !ranOnPool {
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            body(w, (count * w / workers)..<(count * (w + 1) / workers))
        }
    }
}

/// Pieces per worker: enough for a worker to pick up a stalled one's share, few enough that
/// claiming them costs nothing.
private let piecesPerWorker = 4

/// A parallel job as the C pool sees it: one object it can point at.
private final class PoolJob {
    let run: @Sendable (Int, Int) -> Void
    init(run: @escaping @Sendable (Int, Int) -> Void) { self.run = run }
}

/// How many workers `parallelFor` uses for `count` items: the scratch a kernel needs
/// scales with this.
package func workerCount(count: Int, grain: Int = 1, threads: Int) -> Int {
    let byGrain = max(1, count / max(grain, 1))
    return max(1, min(threads, byGrain, count))
}
