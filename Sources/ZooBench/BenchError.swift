/// Why a model cannot be benchmarked.
public struct BenchError: Error, CustomStringConvertible {
    /// The problem in one line.
    public let description: String
    init(_ description: String) { self.description = description }
}
