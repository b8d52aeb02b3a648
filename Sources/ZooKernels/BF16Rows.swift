import CZooKernels

/// Activations rounded to bfloat16 once per layer, in the operand layout of the bf16 GEMMs'
/// `_rounded` entries: row r's depth pair p at `base[r * stride + p]`.
///
/// When a product is split into several column blocks (few rows: batch 1, 7x7 and 14x14 maps,
/// dense layers), each block's kernel call used to round the same rows again, and each worker
/// gathered its own im2col copy of them. Rounding them once, by all workers, into the layer's
/// scratch, leaves the blocks nothing to do but multiply.
struct BF16Rows: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt32>
    /// Words (depth pairs) from one row to the next: K's pairs rounded up to a whole AMX tile.
    let stride: Int

    /// Floats of scratch (a word is the size of a float) for `m` rows of depth `k`: m rounded up to
    /// the AMX kernel's 32-row blocks, whose extra rows are zeros.
    static func scratchCount(m: Int, k: Int) -> Int { roundUp(max(m, 1), 32) * zoo_bf16_panel_pairs(k) }

    /// Whether a bf16 product of this tiling reads its rows through `BF16Rows`: only when the
    /// tiling splits columns, so the same rows would otherwise be rounded once per column block.
    static func pays(for tiling: GEMMTiling) -> Bool { tiling.colBlocks > 1 }

    /// `scratch` holds `scratchCount(m:k:)` floats; rows past m are zeroed here unless told not to
    /// (the AMX kernel drops the products of those rows, so stale values are harmless).
    init(scratch: UnsafeMutablePointer<Float>, m: Int, k: Int, zeroingPadding: Bool = true) {
        base = UnsafeMutableRawPointer(scratch).bindMemory(to: UInt32.self, capacity: Self.scratchCount(m: m, k: k))
        stride = zoo_bf16_panel_pairs(k)
        if zeroingPadding {
            let padded = roundUp(max(m, 1), 32)
            (base + m * stride).update(repeating: 0, count: (padded - m) * stride)
        }
    }

    /// Rows an earlier layer stored as bf16 (`BF16Activations`): `pairsPerRow` depth pairs a row,
    /// read only (the AVX512-BF16 kernel reads a row's pairs up to its depth, never past it).
    init(stored: UnsafePointer<Float>, pairsPerRow: Int) {
        base = UnsafeMutableRawPointer(mutating: stored).assumingMemoryBound(to: UInt32.self)
        stride = pairsPerRow
    }

    /// Rounds a's rows (k floats each, `lda` apart) into rows [row0, row0 + count).
    func round(rows count: Int, from a: UnsafePointer<Float>, lda: Int, k: Int, at row0: Int) {
        zoo_bf16_round_rows(count, k, a, lda, base + row0 * stride, stride)
    }

    /// Rounds all `m` rows of a, split over the workers.
    func roundAll(m: Int, k: Int, a: UnsafePointer<Float>, lda: Int, threads: Int) {
        let a = SharedConstPointer(a)
        parallelFor(count: m, grain: max(8, (1 << 14) / max(k, 1)), threads: threads) { _, rows in
            round(rows: rows.count, from: a.base + rows.lowerBound * lda, lda: lda, k: k, at: rows.lowerBound)
        }
    }
}
