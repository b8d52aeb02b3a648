import Synchronization
import ZooTensor

extension Executor {
    /// Runs the graph like `run` and also returns the wall time of each node's step, indexed
    /// like `graph.nodes` (a reshape's step does no work and takes about a microsecond).
    /// For `zoo bench --profile`; reading the clock twice per node is why `run` does not do it.
    public func runProfiled(_ inputs: [String: Tensor]) throws -> (outputs: [String: Tensor], nodeTimes: [Duration]) {
        let times = Mutex([Duration](repeating: .zero, count: graph.nodes.count))
        let clock = ContinuousClock()
        let outputs = try run(inputs) { node, concurrent, execute in
            let start = clock.now
            execute()
            // A step run image by image adds up its images; images computed side by side on
            // `concurrent` threads count for their share of the wall time.
            let elapsed = (clock.now - start) / concurrent
            times.withLock { $0[node] += elapsed }
        }
        return (outputs, times.withLock { $0 })
    }

    /// The nodes each step of the plan for `batch` does, in order: one node, or several run as one
    /// (a convolution and its max pool, an inverted residual block), whose time `runProfiled`
    /// gives to the first.
    public func stepNodes(batch: Int) throws -> [ClosedRange<Int>] {
        try plan(batch: batch).steps.map { $0.node...$0.lastNode }
    }
}
