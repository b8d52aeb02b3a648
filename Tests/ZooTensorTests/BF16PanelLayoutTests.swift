import Testing
@testable import ZooTensor

/// The bf16 panel layout `zoo convert --bf16` stores: sizes on odd shapes, refusal of sizes a
/// hostile file could claim, rounding, and that packing then unpacking gives the rounded weights back.
@Suite struct BF16PanelLayoutTests {
    /// (depth, groupColumns, groups) -> (pairs per panel, panels per group, bytes).
    static let cases: [(shape: [Int], expected: [Int])] = [
        ([27, 8, 1], [16, 1, 2 * 16 * 64]),            // depth odd: 14 pairs, one tile of 16
        ([64, 32, 1], [32, 1, 2 * 32 * 64]),           // exactly two tiles, one whole panel
        ([33, 33, 1], [32, 2, 2 * 2 * 32 * 64]),       // 17 pairs -> 32; 33 columns -> 2 panels
        ([9, 5, 3], [16, 1, 2 * 3 * 16 * 64]),         // groups packed apart
        ([1, 1, 1], [16, 1, 2 * 16 * 64]),
    ]

    @Test(arguments: cases)
    func sizes(_ shape: [Int], _ expected: [Int]) throws {
        let layout = try #require(BF16PanelLayout(depth: shape[0], groupColumns: shape[1], groups: shape[2]))
        #expect([layout.panelPairs, layout.panelsPerGroup, layout.byteCount] == expected)
        #expect(layout.weightCount == shape[0] * shape[1] * shape[2])
    }

    @Test func sizesAFileCouldLieAboutAreRefused() {
        for (d, c, g) in [(0, 8, 1), (8, 0, 1), (8, 8, 0), (-1, 8, 1), (8, -32, 1), (8, 8, -2),
                          (Int.max, 8, 1), (8, Int.max, 1), (1 << 31, 1, 1), (Int(Int32.max), Int(Int32.max), Int(Int32.max))] {
            #expect(BF16PanelLayout(depth: d, groupColumns: c, groups: g) == nil, "\(d) \(c) \(g)")
        }
    }

    @Test func roundingMatchesTheBF16Instruction() {
        #expect(BF16PanelLayout.bfloat16Bits(1) == 0x3F80)
        #expect(BF16PanelLayout.bfloat16Bits(-2) == 0xC000)
        // Halfway cases round to even; just above rounds up.
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x3F80_8000)) == 0x3F80)
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x3F81_8000)) == 0x3F82)
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
        #expect(BF16PanelLayout.bfloat16Bits(.infinity) == 0x7F80)
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x7F7F_FFFF)) == 0x7F80, "the largest float rounds to infinity")
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x0000_0001)) == 0x0000, "subnormals count as zero")
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x8040_0000)) == 0x8000)
        #expect(BF16PanelLayout.bfloat16Bits(Float(bitPattern: 0x7F80_0001)) == 0x7FC0, "NaN stays NaN, made quiet")
    }

    /// Groups, odd depth and a partial panel: each weight lands where the kernels read it
    /// (panel j, pair p, column pair slot), padding is zero, and unpacking gives the rounded weights.
    @Test func packPlacesEachWeightAndUnpackRestoresIt() throws {
        let layout = try #require(BF16PanelLayout(depth: 5, groupColumns: 35, groups: 2))
        let columns = 70
        let weights = (0..<(5 * columns)).map { Float($0) * 0.37 - 40 }
        let packed = weights.withUnsafeBufferPointer { layout.pack($0) }
        #expect(packed.count == layout.valueCount)
        // Row 3, column 36 is group 1's column 1: panel 0 of group 1, pair 1, odd depth.
        let index = layout.groupValueCount + (0 * layout.panelPairs + 1) * 64 + 2 * 1 + 1
        #expect(packed[index] == BF16PanelLayout.bfloat16Bits(weights[3 * columns + 36]))
        #expect(packed.filter { $0 != 0 }.count <= weights.count)
        var back = [Float](repeating: .nan, count: weights.count)
        packed.withUnsafeBufferPointer { p in back.withUnsafeMutableBufferPointer { layout.unpack(p, into: $0) } }
        let rounded = weights.map { Float(bitPattern: UInt32(BF16PanelLayout.bfloat16Bits($0)) << 16) }
        #expect(back == rounded)
    }

    @Test func aPackedTensorKeepsItsShapeAndConvertsBack() throws {
        let layout = try #require(BF16PanelLayout(depth: 3 * 3 * 2, groupColumns: 3, groups: 1))
        let t = Tensor(shape: [3, 3, 2, 3], floats: (0..<54).map { Float($0) / 8 })  // exact in bf16
        let packed = t.packedAsBF16Panels(layout)
        #expect(packed.shape == t.shape && packed.dtype == .bfloat16 && packed.bf16Panels == layout)
        #expect(packed.byteCount == layout.byteCount)
        #expect(packed.floats == t.floats)
        #expect(packed.reshaped([18, 3]).floats == t.floats)
        #expect(packed.transposed([3, 0, 1, 2]).floats == t.transposed([3, 0, 1, 2]).floats)
    }
}
