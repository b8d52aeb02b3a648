#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CZooKernels

/// The bias/residual/activation tail fused onto a GEMM output block: `act(acc + bias + residual)`.
struct Epilogue: @unchecked Sendable {
    /// `[outC]`, indexed by absolute output column.
    var bias: UnsafePointer<Float>?
    /// Same layout as the full output, rows `ldr` elements apart.
    var residual: UnsafePointer<Float>?
    var ldr: Int
    var activation: Activation
    /// `residual` holds bf16 values, and the output is written as bf16 (`BF16Activations`): of the
    /// GEMMs only the bf16 one on rounded rows or windows (`block(rounded:)`, `block(windows:)`)
    /// stores bf16 (Winograd's output stage too), with an activation it fuses.
    var residualBF16 = false
    var storesBF16 = false

    init(bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, ldr: Int, activation: Activation,
         bf16 activations: BF16Activations = .none) {
        self.bias = bias
        self.residual = residual
        self.ldr = ldr
        self.activation = activation
        residualBF16 = residual != nil && activations.residual
        storesBF16 = activations.output
        precondition(!storesBF16 || BF16Activations.fusesActivation(activation),
                     "bf16 output: the activation must be fused in the kernel")
    }

    var isIdentity: Bool { bias == nil && residual == nil && activation == .none }

    /// Bytes per output element.
    var outputSize: Int { storesBF16 ? 2 : 4 }

    /// Where the output element (`row`, `col`) is in an output `c` of rows `ldc` elements apart.
    func output(_ c: UnsafeMutableRawPointer, row: Int, col: Int, ldc: Int) -> UnsafeMutableRawPointer {
        c + (row * ldc + col) * outputSize
    }

    /// The C kernels' epilogue for the block at (`row0`, `col0`): bias, residual and any clamp
    /// activation (others are left for `applyActivation` after the kernel).
    func fusable(row0: Int, col0: Int) -> zoo_epilogue {
        let bounds = activation.clampBounds
        let at = residual.map { UnsafeRawPointer($0) + (row0 * ldr + col0) * (residualBF16 ? 2 : 4) }
        return zoo_epilogue(bias: bias.map { $0 + col0 },
                            residual: residualBF16 ? nil : at?.assumingMemoryBound(to: Float.self),
                            ldr: ldr, lo: bounds?.lo ?? -.infinity, hi: bounds?.hi ?? .infinity,
                            residual_bf16: residualBF16 ? at?.assumingMemoryBound(to: UInt16.self) : nil,
                            store_bf16: storesBF16 ? 1 : 0)
    }

    /// Applies to the `rows x cols` block at `c` whose top-left is (`row0`, `col0`) of the full output.
    func apply(rows: Int, cols: Int, row0: Int, col0: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        precondition(!residualBF16 && !storesBF16, "bf16 activations are for the bf16 GEMM only")
        if isIdentity { return }
        for r in 0..<rows {
            let out = c + r * ldc
            if let bias {
                let b = bias + col0
                for j in 0..<cols { out[j] += b[j] }
            }
            if let residual {
                let res = residual + (row0 + r) * ldr + col0
                for j in 0..<cols { out[j] += res[j] }
            }
            applyActivation(activation, out, count: cols)
        }
    }
}

/// How a GEMM's output is cut into tasks: row tiles by column blocks.
///
/// The cut depends only on the problem size, never on the thread count, so every thread count
/// makes the same BLAS calls and gives the same bits. Few rows (batch-1 dense, 7x7 maps) are
/// made up for by column blocks so two or more workers still get work.
struct GEMMTiling: Sendable {
    let m, n: Int
    let rowTile, colBlock: Int
    let rowTiles, colBlocks: Int
    var tasks: Int { rowTiles * colBlocks }

    /// Enough tasks to balance the machine's cores without making BLAS calls tiny. It depends on
    /// the machine, never on the `threads` argument, so results stay the same for any thread count.
    static let targetTasks = max(4, 2 * onlineProcessorCount())
    /// Below this many multiply-adds a single call is cheaper than splitting.
    static let splitThreshold = 1 << 18

    init(m: Int, n: Int, k: Int, maxRowTile: Int) {
        self.m = m
        self.n = n
        let big = m * n * max(k, 1) >= Self.splitThreshold
        var rowTile = max(1, min(m, maxRowTile))
        // Each row tile reads all of b (the weights) again, each column block only its own
        // columns: when b is the bigger operand (n >= m), split columns rather than rows.
        if big && ceilDiv(m, rowTile) < Self.targetTasks && n < m {
            rowTile = min(rowTile, max(min(m, 32), roundUp(ceilDiv(m, Self.targetTasks), 8)))
        }
        // Tiles of equal height, as many as a multiple of `targetTasks`, so the workers finish
        // together: 784 rows in tiles of 256 left one worker 512 rows and the other 272.
        if big, ceilDiv(m, rowTile) > 1 {
            let tiles = roundUp(ceilDiv(m, rowTile), Self.targetTasks)
            rowTile = roundUp(ceilDiv(m, tiles), 2)
        }
        let rowTiles = ceilDiv(m, rowTile)
        var colBlock = max(n, 1)
        if big && rowTiles < Self.targetTasks {
            let wanted = ceilDiv(Self.targetTasks, rowTiles)
            colBlock = min(colBlock, max(64, roundUp(ceilDiv(n, wanted), 32)))  // whole 32-column panels
        }
        self.rowTile = rowTile
        self.colBlock = colBlock
        self.rowTiles = rowTiles
        self.colBlocks = ceilDiv(max(n, 1), colBlock)
    }

    /// Task `t` (row-tile major) as its row and column ranges.
    func block(_ t: Int) -> (rows: Range<Int>, cols: Range<Int>) {
        let r0 = (t / colBlocks) * rowTile, c0 = (t % colBlocks) * colBlock
        return (r0..<min(r0 + rowTile, m), c0..<min(c0 + colBlock, n))
    }
}

enum GEMM {
    /// The `rows x cols` block of c at (`row0`, `col0`) of the full output: a x b, then the epilogue.
    /// `a` points at the block's first row, `b` at its first column, `c` at its top-left element.
    /// With `packed` (bf16 weights, `kernels.precision == .bf16`) b is read from there instead;
    /// with `panels` (the same b packed once, AVX-512 at fp32) from those.
    static func block(rows: Int, cols: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int, packed: BF16Weights? = nil, panels: FP32Panels? = nil,
                      c: UnsafeMutablePointer<Float>, ldc: Int,
                      epilogue: Epilogue, row0: Int, col0: Int, kernels: KernelOptions) {
        guard rows > 0, cols > 0 else { return }
        if let packed, kernels.precision == .bf16 {
            var e = epilogue.fusable(row0: row0, col0: col0)
            let panel = packed.panel(column: col0)
            let status = kernels.bf16 == .amx ? zoo_sgemm_bf16_amx(rows, cols, k, a, lda, panel, c, ldc, &e)
                                              : zoo_sgemm_bf16(rows, cols, k, a, lda, panel, c, ldc, &e)
            if status == 0 {
                finishActivation(epilogue, rows: rows, cols: cols, c: c, ldc: ldc)
                return
            }
            // No memory for the activation buffer (or no tiles granted): fp32 needs none of ours.
        }
        // Weights that came only as bf16 panels (a `.zoo --bf16` file) are widened for this fall-back.
        let b = packed?.float32Fallback().map { UnsafePointer($0 + col0) } ?? b
        if kernels.gemm == .avx512, let panels {
            var e = epilogue.fusable(row0: row0, col0: col0)
            zoo_sgemm_packed(rows, cols, k, a, lda, panels.panel(column: col0), c, ldc, &e)
            finishActivation(epilogue, rows: rows, cols: cols, c: c, ldc: ldc)
            return
        }
        if kernels.gemm == .avx512 {
            var e = epilogue.fusable(row0: row0, col0: col0)
            if zoo_sgemm(rows, cols, k, a, lda, b, ldb, c, ldc, &e) == 0 {
                finishActivation(epilogue, rows: rows, cols: cols, c: c, ldc: ldc)
                return
            }
            // No memory for the packing buffer: BLAS needs none of ours.
        }
        BLAS.multiply(m: rows, n: cols, k: k, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc)
        epilogue.apply(rows: rows, cols: cols, row0: row0, col0: col0, c: c, ldc: ldc)
    }

    /// `block` on activations already rounded (`rows` points at the block's first row), at bf16;
    /// `c` is the whole output, whose block at (`row0`, `col0`) this writes (as bf16 when the
    /// epilogue stores bf16).
    static func block(rows: Int, cols: Int, k: Int, rounded a: UnsafePointer<UInt32>, lda: Int, packed: BF16Weights,
                      output c: UnsafeMutableRawPointer, ldc: Int, epilogue: Epilogue, row0: Int, col0: Int,
                      kernels: KernelOptions) {
        guard rows > 0, cols > 0 else { return }
        var e = epilogue.fusable(row0: row0, col0: col0)
        let panel = packed.panel(column: col0)
        let out = epilogue.output(c, row: row0, col: col0, ldc: ldc)
        if kernels.bf16 == .amx {
            precondition(!epilogue.storesBF16, "bf16 activations are for the AVX512-BF16 kernel only")
            zoo_sgemm_bf16_amx_rounded(rows, cols, k, a, lda, panel, out.assumingMemoryBound(to: Float.self), ldc, &e)
        } else {
            zoo_sgemm_bf16_rounded(rows, cols, k, a, lda, panel, out, ldc, &e)
        }
        if !epilogue.storesBF16 {
            finishActivation(epilogue, rows: rows, cols: cols, c: out.assumingMemoryBound(to: Float.self), ldc: ldc)
        }
    }

    /// `block(rounded:)` on a convolution's windows read in place (`zoo_sgemm_bf16_windows`, AVX512-BF16):
    /// output pixels `first ..< first + count` of one image (rows `outW` pixels wide), which are rows
    /// `row0 ..<` of c; `windows` is the window of column 0 of the first pixel's output row, the
    /// next row's `rowWords` words on, a pixel's `lda` words on, its `segments` kernel rows of
    /// `segmentPairs` pairs `segmentWords` apart.
    static func block(count: Int, first: Int, outW: Int, cols: Int, windows a: UnsafePointer<UInt32>, lda: Int,
                      rowWords: Int, segments: Int, segmentPairs: Int, segmentWords: Int, packed: BF16Weights,
                      output c: UnsafeMutableRawPointer, ldc: Int, epilogue: Epilogue, row0: Int, col0: Int) {
        guard count > 0, cols > 0 else { return }
        var e = epilogue.fusable(row0: row0, col0: col0)
        let out = epilogue.output(c, row: row0, col: col0, ldc: ldc)
        zoo_sgemm_bf16_windows(count, first, outW, cols, segments, segmentPairs, a, lda, rowWords, segmentWords,
                               packed.panel(column: col0), out, ldc, &e)
        if !epilogue.storesBF16 {
            finishActivation(epilogue, rows: count, cols: cols, c: out.assumingMemoryBound(to: Float.self), ldc: ldc)
        }
    }

    /// `block` on a convolution's windows read in place (`zoo_sgemm_windows`, AVX-512 at fp32, the
    /// weights in `panels`): as `block(windows:)` at bf16, with strides in floats.
    static func block(count: Int, first: Int, outW: Int, cols: Int, windows a: UnsafePointer<Float>, lda: Int,
                      rowStride: Int, segments: Int, segmentLength: Int, segmentStride: Int, panels: FP32Panels,
                      output c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue, row0: Int, col0: Int) {
        guard count > 0, cols > 0 else { return }
        var e = epilogue.fusable(row0: row0, col0: col0)
        let out = c + row0 * ldc + col0
        zoo_sgemm_windows(count, first, outW, cols, segments, segmentLength, a, lda, rowStride, segmentStride,
                          panels.panel(column: col0), out, ldc, &e)
        finishActivation(epilogue, rows: count, cols: cols, c: out, ldc: ldc)
    }

    /// Floats of scratch `run` uses for this product at bf16 (0 when it rounds per block, or its
    /// input is stored as bf16): all rows rounded once when the tiling splits columns or some
    /// activation is stored as bf16 (which only the rounded entry reads and writes).
    static func bf16ScratchCount(m: Int, n: Int, k: Int, groups: Int = 1, activations: BF16Activations = .none) -> Int {
        guard groups == 1, !activations.input,
              !activations.isNone || BF16Rows.pays(for: GEMMTiling(m: m, n: n, k: k, maxRowTile: 256)) else { return 0 }
        return BF16Rows.scratchCount(m: m, k: k)
    }

    /// The activations the C kernels leave (all but clamps), over a finished block.
    private static func finishActivation(_ epilogue: Epilogue, rows: Int, cols: Int,
                                         c: UnsafeMutablePointer<Float>, ldc: Int) {
        if epilogue.activation.clampBounds == nil {
            for r in 0..<rows { applyActivation(epilogue.activation, c + r * ldc, count: cols) }
        }
    }

    /// Grouped, tiled, parallel GEMM with a fused epilogue. Group `g` multiplies
    /// a[:, g*k ..< (g+1)*k] by b[:, g*n ..< (g+1)*n] into c[:, g*n ..< (g+1)*n].
    /// At bf16, `scratch` holds `bf16ScratchCount` floats (nil: the kernels round per block); with
    /// `activations.input`, a holds bf16 values (`lda` of them a row), read as they are.
    static func run(m: Int, n: Int, k: Int, groups: Int = 1,
                    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, packed: BF16Weights? = nil,
                    panels: FP32Panels? = nil, c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue, scratch: UnsafeMutablePointer<Float>? = nil,
                    activations: BF16Activations = .none, threads: Int, kernels: KernelOptions) {
        let tiling = GEMMTiling(m: m, n: n, k: k, maxRowTile: 256)
        if let packed, kernels.precision == .bf16, let rows = roundedRows(m: m, n: n, k: k, groups: groups, a: a, lda: lda,
                                                                          scratch: scratch, activations: activations,
                                                                          threads: threads) {
            let c = SharedPointer(c)
            parallelFor(count: tiling.tasks, threads: threads) { _, tasks in
                for task in tasks {
                    let (r, cols) = tiling.block(task)
                    block(rows: r.count, cols: cols.count, k: k, rounded: rows.base + r.lowerBound * rows.stride,
                          lda: rows.stride, packed: packed, output: UnsafeMutableRawPointer(c.base), ldc: ldc,
                          epilogue: epilogue, row0: r.lowerBound, col0: cols.lowerBound, kernels: kernels)
                }
            }
            return
        }
        precondition(activations.isNone, "bf16 activations need the bf16 GEMM on rounded rows")
        let a = SharedConstPointer(a), b = SharedConstPointer(b), c = SharedPointer(c)
        // Tasks run group-major so each group's weights stay in cache across its row tiles.
        parallelFor(count: groups * tiling.tasks, threads: threads) { _, tasks in
            for task in tasks {
                let g = task / tiling.tasks
                let (rows, cols) = tiling.block(task % tiling.tasks)
                let col0 = g * n + cols.lowerBound
                let out = c.base + rows.lowerBound * ldc + col0
                block(rows: rows.count, cols: cols.count, k: k,
                      a: a.base + rows.lowerBound * lda + g * k, lda: lda,
                      b: b.base + col0, ldb: ldb, packed: packed, panels: panels, c: out, ldc: ldc,
                      epilogue: epilogue, row0: rows.lowerBound, col0: col0, kernels: kernels)
            }
        }
    }
}

extension GEMM {
    /// The rounded rows a bf16 `run` multiplies, when it reads such rows: the input itself when it
    /// is stored as bf16, else all rows rounded once into `scratch` (`bf16ScratchCount` > 0);
    /// nil when the kernels round per block.
    private static func roundedRows(m: Int, n: Int, k: Int, groups: Int, a: UnsafePointer<Float>, lda: Int,
                                    scratch: UnsafeMutablePointer<Float>?, activations: BF16Activations,
                                    threads: Int) -> BF16Rows? {
        if activations.input {
            precondition(groups == 1 && lda % 2 == 0 && lda >= k, "bf16 input: rows of whole depth pairs")
            return BF16Rows(stored: a, pairsPerRow: lda / 2)
        }
        guard let scratch, bf16ScratchCount(m: m, n: n, k: k, groups: groups, activations: activations) > 0 else {
            return nil
        }
        let rows = BF16Rows(scratch: scratch, m: m, k: k)
        rows.roundAll(m: m, k: k, a: a, lda: lda, threads: threads)
        return rows
    }
}

func onlineProcessorCount() -> Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
@inline(__always) func roundUp(_ a: Int, _ multiple: Int) -> Int { ceilDiv(a, multiple) * multiple }
