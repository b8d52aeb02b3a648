import ZooTensor

extension Executor {
    /// Runs the graph like `run` and also returns the wall time of each node's step, indexed
    /// like `graph.nodes` (a reshape's step does no work and takes about a microsecond).
    /// For `zoo bench --profile`; reading the clock twice per node is why `run` does not do it.
    public func runProfiled(_ inputs: [String: Tensor]) throws -> (outputs: [String: Tensor], nodeTimes: [Duration]) {
        var times = [Duration](repeating: .zero, count: graph.nodes.count)
        let clock = ContinuousClock()
        let outputs = try run(inputs) { node, execute in
            let start = clock.now
            execute()
            times[node] += clock.now - start  // a step run image by image adds up its images
        }
        return (outputs, times)
    }
}
