/// The bounds a `ZipArchive` holds its entries to before and while it inflates them.
public struct ZipLimits: Sendable {
    /// Most bytes one entry may declare.
    public var maxEntryBytes: UInt64
    /// Most bytes all the entries read from one archive may inflate to together: a per-entry
    /// cap alone let three 1 GiB storages through (issue 15). Callers pass their memory budget.
    public var maxTotalBytes: UInt64
    /// Entries declaring more than `ratioCheckedAbove` bytes may inflate to at most this many
    /// times their compressed size. Real weights barely compress (torch.save stores them; Keras
    /// weights deflate by about 1.1x), while a run of zeros deflates 1032x: a 3 MB file whose
    /// entries inflate to gigabytes is refused before one byte is inflated.
    public var maxCompressionRatio: UInt64 = 100
    /// Entries larger than this are held to `maxCompressionRatio` (64 MiB).
    public var ratioCheckedAbove: UInt64 = 64 << 20
    /// Whether opening refuses the archive for any unsafe or duplicated name (`.keras`, `.pth`:
    /// the whole archive is the model), or only for the entries read (wheels: one member is
    /// taken out and the rest are never touched, whatever their names).
    public var checksEveryName = true

    /// - Parameters:
    ///   - maxEntryBytes: most bytes one entry may declare.
    ///   - maxTotalBytes: most bytes the entries read may inflate to together.
    public init(maxEntryBytes: UInt64, maxTotalBytes: UInt64) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }
}
