/// Median, minimum and maximum of repeated timings, in seconds.
public struct LatencyStatistics: Sendable, Equatable {
    /// The median, in seconds.
    public var median: Double
    /// The fastest, in seconds.
    public var min: Double
    /// The slowest, in seconds.
    public var max: Double

    /// `samples` must not be empty. An even count takes the mean of the middle two.
    public init(samples: [Double]) {
        precondition(!samples.isEmpty, "no timings")
        let sorted = samples.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }
}
