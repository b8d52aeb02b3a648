/// How a `[depth, groups * groupColumns]` float32 weight matrix is stored as bfloat16 in the
/// panels the bf16 GEMMs stream (CZooKernels' zoo_gemm_bf16.h), so a `.zoo` file written by
/// `zoo convert --bf16` can hand its mapped bytes to the kernel without a copy.
///
/// Each group is packed on its own: columns in panels of 32; panel j holds, for each pair of
/// depths p, the 32 columns' (w[2p][col], w[2p + 1][col]) side by side, and `panelPairs`
/// (ceil(depth / 2) rounded up to a 16-pair AMX tile) pairs per panel. Missing depths and
/// columns are zeros.
public struct BF16PanelLayout: Sendable, Hashable, CustomStringConvertible {
    /// Depth of each group's matrix (the GEMM's K: kh * kw * input channels per group, or a dense layer's inputs).
    public let depth: Int
    /// Columns of each group (the GEMM's N: output channels per group).
    public let groupColumns: Int
    /// Number of groups, each packed apart.
    public let groups: Int

    /// Columns per panel (the kernels' tile width).
    public static let panelColumns = 32
    /// Depth pairs a panel holds are rounded up to this (an AMX tile is 16 pairs deep).
    public static let tilePairs = 16

    /// A layout; nil when a size is below 1 or above 2^31 - 1, or the packed size overflows `Int`
    /// (the sizes may come from a hostile file: checked before any arithmetic on them).
    public init?(depth: Int, groupColumns: Int, groups: Int) {
        let limit = Int(Int32.max)
        guard (1...limit).contains(depth), (1...limit).contains(groupColumns), (1...limit).contains(groups) else { return nil }
        self.depth = depth; self.groupColumns = groupColumns; self.groups = groups
        guard checkedByteCount != nil, depth.multipliedReportingOverflow(by: groupColumns).overflow == false,
              (depth * groupColumns).multipliedReportingOverflow(by: groups).overflow == false else { return nil }
    }

    /// Depth pairs each panel stores: ceil(depth / 2) rounded up to a whole tile.
    public var panelPairs: Int { ((depth + 1) / 2 + Self.tilePairs - 1) / Self.tilePairs * Self.tilePairs }
    /// Panels per group.
    public var panelsPerGroup: Int { (groupColumns + Self.panelColumns - 1) / Self.panelColumns }
    /// bfloat16 values one group takes.
    public var groupValueCount: Int { panelsPerGroup * panelPairs * 2 * Self.panelColumns }
    /// bfloat16 values of all groups.
    public var valueCount: Int { groups * groupValueCount }
    /// Bytes of all groups.
    public var byteCount: Int { valueCount * 2 }
    /// Weights the layout describes: depth * groups * groupColumns.
    public var weightCount: Int { depth * groups * groupColumns }

    private var checkedByteCount: Int? {
        let (perGroup, o1) = panelsPerGroup.multipliedReportingOverflow(by: panelPairs * 2 * Self.panelColumns)
        let (all, o2) = perGroup.multipliedReportingOverflow(by: groups)
        let (bytes, o3) = all.multipliedReportingOverflow(by: 2)
        return o1 || o2 || o3 ? nil : bytes
    }

    /// "depth 36, 2 groups of 8 columns".
    public var description: String { "depth \(depth), \(groups) group\(groups == 1 ? "" : "s") of \(groupColumns) columns" }

    /// Calls `body(packedIndex, weightIndex)` for every weight, in the panels' order (reads of the
    /// packed values are sequential): the weight at row r, column c of the whole matrix is
    /// `weightIndex` r * groups * groupColumns + c. Padding is not visited.
    @inline(__always)
    private func forEachWeight(_ body: (_ packed: Int, _ weight: Int) -> Void) {
        let columns = groups * groupColumns, width = 2 * Self.panelColumns
        for g in 0..<groups {
            for panel in 0..<panelsPerGroup {
                let firstColumn = g * groupColumns + panel * Self.panelColumns
                let panelColumns = min(Self.panelColumns, groupColumns - panel * Self.panelColumns)
                let panelStart = g * groupValueCount + panel * panelPairs * width
                for row in 0..<depth {
                    let start = panelStart + (row / 2) * width + (row & 1), rowStart = row * columns + firstColumn
                    for c in 0..<panelColumns { body(start + 2 * c, rowStart + c) }
                }
            }
        }
    }

    /// `weights` ([depth, groups * groupColumns], row-major) rounded to bfloat16 the way the
    /// kernels' packing rounds (to nearest even; subnormals become zero; NaN stays NaN) and packed.
    public func pack(_ weights: UnsafeBufferPointer<Float>) -> [UInt16] {
        precondition(weights.count == weightCount, "\(weights.count) weights for a \(self) layout")
        var packed = [UInt16](repeating: 0, count: valueCount)
        packed.withUnsafeMutableBufferPointer { out in
            forEachWeight { out[$0] = Self.bfloat16Bits(weights[$1]) }
        }
        return packed
    }

    /// The weights back as float32 in [depth, groups * groupColumns] order: each is the bfloat16
    /// value widened exactly. `packed` must hold `valueCount` values.
    public func unpack(_ packed: UnsafeBufferPointer<UInt16>, into weights: UnsafeMutableBufferPointer<Float>) {
        precondition(packed.count >= valueCount && weights.count == weightCount, "buffers do not fit a \(self) layout")
        forEachWeight { weights[$1] = Float(bitPattern: UInt32(packed[$0]) << 16) }
    }

    /// A float32 as bfloat16 bits, as VCVTNE2PS2BF16 computes it: subnormal inputs count as
    /// zero, NaN is kept (made quiet), everything else rounds to nearest even.
    public static func bfloat16Bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x40 }
        if x.isSubnormal { return UInt16(truncatingIfNeeded: bits >> 16) & 0x8000 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }
}
