/// Rows of one image a worker keeps in its scratch from one chunk of work to the next, for the
/// fused steps that compute a layer's rows into scratch and read them there (the stem and its max
/// pool, an inverted residual block): neighbouring chunks' windows overlap, and the rows both need
/// are kept, not computed again.
struct HeldRows {
    /// The first held row, at `base`; rows `rowFloats` floats apart.
    let base: UnsafeMutablePointer<Float>
    let rowFloats: Int
    private var image = -1
    private var rows = 0..<0

    init(base: UnsafeMutablePointer<Float>, rowFloats: Int) {
        self.base = base
        self.rowFloats = rowFloats
    }

    /// Makes rows `needed` of `image` the held ones, `needed.lowerBound` at `base`: rows still held
    /// from the chunk before that this one needs first move to the front (row by row: a row never
    /// overlaps the one it moves to). Returns the rows the caller must still compute into their
    /// places (`pointer(to:)`).
    mutating func hold(_ needed: Range<Int>, of image: Int) -> Range<Int> {
        let keeps = self.image == image && rows.lowerBound <= needed.lowerBound && needed.lowerBound < rows.upperBound
        let kept = keeps ? needed.lowerBound..<min(rows.upperBound, needed.upperBound) : 0..<0
        if !kept.isEmpty, kept.lowerBound > rows.lowerBound {
            for r in 0..<kept.count {
                (base + r * rowFloats).update(from: base + (kept.lowerBound - rows.lowerBound + r) * rowFloats, count: rowFloats)
            }
        }
        self.image = image
        rows = needed
        return (kept.isEmpty ? needed.lowerBound : kept.upperBound)..<needed.upperBound
    }

    /// Where held row `row` (of the rows last passed to `hold`) is.
    func pointer(to row: Int) -> UnsafeMutablePointer<Float> { base + (row - rows.lowerBound) * rowFloats }
}
