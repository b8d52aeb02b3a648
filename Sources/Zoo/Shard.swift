/// One of `count` slices of an ordered list of work, for the `index`-th of `count` workers (a
/// Kubernetes Indexed Job's completion index, a Spark partition): the items whose position in
/// the whole list, counted from 0, is `index` modulo `count`. Every item lands in exactly one
/// of the `count` shards, and a worker needs neither the list's length nor the other workers.
public struct Shard: Sendable, Hashable, CustomStringConvertible {
    /// Which slice, `0..<count`.
    public let index: Int
    /// How many slices the list is cut into.
    public let count: Int

    /// The whole list as one slice.
    public static let whole = Shard(validIndex: 0, count: 1)

    /// Slice `index` of `count`; throws unless `count >= 1` and `0 <= index < count`.
    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw ZooError.badArgument("shard \(index)/\(count): expected I/N with N >= 1 and 0 <= I < N")
        }
        self.init(validIndex: index, count: count)
    }

    /// Parses `I/N` (`3/8`), as `--shard` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ZooError.badArgument("shard '\(text)': expected I/N, e.g. 0/4")
        }
        try self.init(index: index, count: count)
    }

    private init(validIndex: Int, count: Int) {
        self.index = validIndex
        self.count = count
    }

    /// Whether the item at `position` in the whole list belongs to this slice.
    public func contains(position: Int) -> Bool { position % count == index }

    /// This slice of `items`, lazily, each with its position in the whole list: a list read
    /// from a pipe is never held in memory.
    public func select<S: Sequence>(_ items: S) -> LazyMapSequence<LazyFilterSequence<EnumeratedSequence<S>>, (position: Int, element: S.Element)> {
        items.enumerated().lazy.filter { contains(position: $0.offset) }.map { (position: $0.offset, element: $0.element) }
    }

    /// `I/N`.
    public var description: String { "\(index)/\(count)" }
}
