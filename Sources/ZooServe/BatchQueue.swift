import Foundation
import Zoo
import ZooTensor

/// Dynamic batching for one model: requests queue here and `workers` threads run them, each
/// taking up to `maxBatch` rows per model call. When a worker frees up, its next call takes
/// everything queued meanwhile (up to `maxBatch`) and starts at once: under load no worker idles
/// waiting for a batch to fill. Only a request that finds a worker idle may wait, up to `delay`,
/// for requests still being read or decoded (none on their way: it starts at once, so one client
/// pays no delay).
///
/// The model runs on these dedicated threads, not on Swift's cooperative pool, so a long batch
/// never starves the tasks that read requests and write answers. Several workers whose calls
/// each use few threads (one by default) keep the CPUs busy without the calls' threads waiting
/// on each other: a call spread over every CPU stalls whenever decoding, HTTP or anything else
/// on the machine takes one of them (profiled: a fifth of the server's CPU time went to those
/// waits).
final class BatchQueue: @unchecked Sendable {
    /// Inputs of one request, in the graph's own layout (`Model.graphLayout`), each `[rows, ...]`.
    typealias Feeds = [String: Tensor]

    private struct Job {
        var feeds: Feeds
        var rows: Int
        var enqueued: ContinuousClock.Instant
        var continuation: CheckedContinuation<[String: Tensor], any Error>
    }

    let model: Model
    private let maxBatch: Int
    private let delay: Duration
    private let metrics: ServeMetrics
    /// Guards `pending`, `arriving` and `stopping`; signalled when any of them changes.
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var arriving = 0
    private var stopping = false

    init(model: Model, maxBatch: Int, delay: Duration, workers: Int, metrics: ServeMetrics) {
        self.model = model
        // A graph without a batch dimension cannot stack requests.
        self.maxBatch = model.graph.hasBatchDimension ? max(maxBatch, 1) : 1
        self.delay = delay
        self.metrics = metrics
        for index in 0..<max(workers, 1) {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "zoo-batch-\(index)-\(model.name)"
            thread.start()
        }
    }

    /// Says a request for this model is being read or decoded, so a batch may wait for it;
    /// balance with `submit` or `cancelArrival`.
    func announceArrival() { condition.withLock { arriving += 1 } }

    /// Withdraws an announced request that failed before `submit`.
    func cancelArrival() {
        condition.withLock {
            arriving -= 1
            condition.broadcast()
        }
    }

    /// Runs `feeds` (`rows` rows, in the graph's layout) in the next batch with room and returns
    /// this request's rows of every output. Call after `announceArrival`.
    func submit(_ feeds: Feeds, rows: Int) async throws -> [String: Tensor] {
        try await withCheckedThrowingContinuation { continuation in
            condition.withLock {
                arriving -= 1
                guard !stopping else {
                    continuation.resume(throwing: ServeError.busy("the server is shutting down"))
                    return
                }
                pending.append(Job(feeds: feeds, rows: rows, enqueued: .now, continuation: continuation))
                condition.broadcast()
            }
        }
    }

    /// Finishes what is queued, then ends the worker threads.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
    }

    private func work() {
        while let jobs = nextBatch() { run(jobs) }
    }

    /// Waits for work and takes the next batch; nil once stopped and drained.
    private func nextBatch() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        // Requests that queued while this worker's last batch ran go now; waiting for more would
        // leave it idle while those already waited a whole batch.
        var idle = false
        while true {
            while pending.isEmpty {
                if stopping { return nil }
                idle = true
                condition.wait()
            }
            if idle {
                let deadline = Date(timeIntervalSinceNow: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds))
                while queuedRows() < maxBatch, arriving > 0, !stopping {
                    if !condition.wait(until: deadline) { break }
                }
                // Another worker may have taken them meanwhile.
                if pending.isEmpty { continue }
            }
            var taken: [Job] = [pending.removeFirst()]
            var rows = taken[0].rows
            while let next = pending.first, rows + next.rows <= maxBatch {
                taken.append(pending.removeFirst())
                rows += next.rows
            }
            return taken
        }
    }

    private func queuedRows() -> Int { pending.reduce(0) { $0 + $1.rows } }

    private func run(_ jobs: [Job]) {
        let started = ContinuousClock.now
        let rows = jobs.reduce(0) { $0 + $1.rows }
        metrics.recordBatch(model: model.name, images: rows, waits: jobs.map { started - $0.enqueued })
        do {
            let outputs = try model.runGraph(jobs.count == 1 ? jobs[0].feeds : RowStacking.stack(jobs.map(\.feeds)))
            var offset = 0
            for job in jobs {
                let mine = outputs.mapValues { RowStacking.rows($0, from: offset, count: job.rows, of: rows) }
                job.continuation.resume(returning: mine)
                offset += job.rows
            }
        } catch {
            for job in jobs { job.continuation.resume(throwing: error) }
        }
    }
}

extension NSCondition {
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}
