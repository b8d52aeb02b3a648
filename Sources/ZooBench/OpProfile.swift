import ZooGraph
import ZooTensor

/// Where a run's time goes: per-node kernel times (the median over profiled runs), summed by
/// op kind, and the slowest nodes. Percentages are of the sum over all nodes.
public struct OpProfile: Sendable {
    /// The time of all nodes of one op kind.
    public struct Kind: Sendable {
        /// The op kind (`conv2d`, `dense`, ...).
        public var kind: String
        /// How many nodes are of this kind.
        public var nodes: Int
        /// Their summed median time per run, in seconds.
        public var seconds: Double
        /// Their share of the run's time.
        public var percent: Double
        /// Conv/dense FLOPs of these nodes per second of their time; nil when they do none.
        public var gflopsPerSecond: Double?
    }

    /// One node's time.
    public struct NodeTime: Sendable {
        /// The node's name.
        public var name: String
        /// Its op kind.
        public var kind: String
        /// Its output shape.
        public var outputShape: Shape
        /// Its median time per run, in seconds.
        public var seconds: Double
        /// Its share of the run's time.
        public var percent: Double
        /// Its conv/dense FLOPs per second of its time; nil when it does none.
        public var gflopsPerSecond: Double?
    }

    /// Profiled runs the medians are taken over.
    public var runs: Int
    /// Sum of the per-node medians.
    public var totalSeconds: Double
    /// Every kind, slowest first.
    public var kinds: [Kind]
    /// The slowest nodes, slowest first.
    public var topNodes: [NodeTime]

    /// `runTimes[r][i]`: node `i`'s time in profiled run `r` (see `Executor.runProfiled`). `steps`:
    /// the nodes each step of the plan does (`Executor.stepNodes`), where a step that does several
    /// (a block run as one) is one entry, its kind its nodes' kinds joined by " + "; nil: a step per node.
    public init(graph: Graph, batch: Int, runTimes: [[Duration]], top: Int, steps: [ClosedRange<Int>]? = nil) throws {
        precondition(!runTimes.isEmpty, "no profiled runs")
        let shapes = try graph.shapes(batch: batch)
        let rows = try graph.summary(batch: batch)
        let nodeSeconds = graph.nodes.indices.map { i in LatencyStatistics(samples: runTimes.map { $0[i].seconds }).median }
        let total = nodeSeconds.reduce(0, +)
        func percent(_ s: Double) -> Double { total > 0 ? 100 * s / total : 0 }
        func rate(flops: Int, seconds: Double) -> Double? { flops > 0 && seconds > 0 ? Double(flops) / seconds / 1e9 : nil }
        func gemmFLOPs(_ i: Int) -> Int {
            switch graph.nodes[i].op {
            case .conv2d, .dense: rows[i].flops
            default: 0
            }
        }

        let labels = graph.nodes.map { OpKind.label(of: $0, shapes: shapes) }
        let steps = steps ?? graph.nodes.indices.map { $0...$0 }
        let stepSeconds = steps.map { $0.reduce(0) { $0 + nodeSeconds[$1] } }
        let stepFLOPs = steps.map { $0.reduce(0) { $0 + gemmFLOPs($1) } }
        let stepLabels = steps.map { $0.map { labels[$0] }.joined(separator: " + ") }
        var byKind: [String: (nodes: Int, seconds: Double, flops: Int)] = [:]
        for (i, step) in steps.enumerated() {
            byKind[stepLabels[i], default: (0, 0, 0)].nodes += step.count
            byKind[stepLabels[i]]!.seconds += stepSeconds[i]
            byKind[stepLabels[i]]!.flops += stepFLOPs[i]
        }
        runs = runTimes.count
        totalSeconds = total
        kinds = byKind.map { kind, sum in
            Kind(kind: kind, nodes: sum.nodes, seconds: sum.seconds, percent: percent(sum.seconds),
                 gflopsPerSecond: rate(flops: sum.flops, seconds: sum.seconds))
        }.sorted { ($0.seconds, $1.kind) > ($1.seconds, $0.kind) }
        topNodes = steps.indices.sorted { (stepSeconds[$0], $1) > (stepSeconds[$1], $0) }.prefix(top).map { i in
            NodeTime(name: graph.nodes[steps[i].lowerBound].name, kind: stepLabels[i],
                     outputShape: shapes[graph.nodes[steps[i].upperBound].output],
                     seconds: stepSeconds[i], percent: percent(stepSeconds[i]),
                     gflopsPerSecond: rate(flops: stepFLOPs[i], seconds: stepSeconds[i]))
        }
    }
}
