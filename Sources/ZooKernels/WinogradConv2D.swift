import CZooKernels

/// 3x3 weights transformed once for Winograd F(4x4, 3x3): 36 matrices [C, K], four times the
/// bytes of the 3x3 weights. Built when a plan first needs them and shared by every plan. For the
/// AVX-512 GEMM each matrix is laid out in its 32-column panels (`packed`), read in place: copied
/// into panels at every call, 36 matrices per row tile, the weights were read from memory twice
/// per 196-tile layer and copied besides.
package final class WinogradWeights: @unchecked Sendable {
    package let channels, outChannels: Int
    /// Whether the matrices are in the AVX-512 GEMM's panels (zoo_sgemm_pack_panels), not row-major.
    package let packed: Bool
    let values: UnsafeMutablePointer<Float>
    /// Floats from one matrix to the next.
    let matrixFloats: Int
    package var byteCount: Int { 36 * matrixFloats * MemoryLayout<Float>.size }

    /// `weights` are HWIO [3, 3, channels, outChannels]; `packed` (only where `CPUFeatures.avx512`)
    /// lays each matrix out for the AVX-512 GEMM.
    package init(weights: UnsafePointer<Float>, channels: Int, outChannels: Int, packed: Bool = false) {
        precondition(!packed || CPUFeatures.avx512, "winograd: packed weights on a CPU without AVX-512")
        self.channels = channels
        self.outChannels = outChannels
        self.packed = packed
        matrixFloats = packed ? zoo_sgemm_panels_count(channels, outChannels) : channels * outChannels
        // 64-byte aligned: the GEMM loads panel rows with aligned loads (each matrix is whole panels).
        values = UnsafeMutableRawPointer.allocate(byteCount: max(36 * matrixFloats, 1) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(36 * matrixFloats, 1))
        if packed {
            zoo_winograd_weights_packed(channels, outChannels, weights, values)
        } else {
            zoo_winograd_weights(channels, outChannels, weights, values)
        }
    }

    deinit { values.deallocate() }
}

/// 3x3 stride-1 convolution by Winograd F(4x4, 3x3): the input is cut into 6x6 tiles that
/// overlap by 2, each tile is transformed, 36 GEMMs (tiles x C) x (C x K) replace the 9-tap
/// sums, and each product tile is transformed back into a 4x4 output tile. 2.25x fewer
/// multiplies than 3x3 im2col at 4 outputs per tile edge; results differ from direct
/// convolution by rounding only (relative L2 around 1e-6 per layer).
package enum WinogradConv2D {
    /// Whether this CPU runs the transforms (AVX-512); `run` must not be called otherwise.
    package static var isAvailable: Bool { KernelOptions.isAvailable(KernelOptions.WinogradPath.avx512) }

    /// Below this many 4x4 output tiles per image (a 14x14 map has 16) the GEMMs are too short to
    /// beat im2col, and the transformed weights (4x the bytes) are read for too little work. Counted
    /// per image, not per batch, so a layer takes the same algorithm at every batch size and an
    /// image's results do not depend on the batch it ran in (a served request batched with others,
    /// a shard, one file of a folder). Measured 2026-12-06 against the earlier rule (48 tiles per
    /// batch): resnet18 batch 1 16% faster, resnet50 4%, vgg16 and every batch 8 within noise.
    static let minimumTiles = 16

    /// The same at bf16 on AVX512-BF16, where im2col multiplies at twice the fp32 rate: a 14x14
    /// map (16 tiles) runs faster by bf16 im2col, a 28x28 (49) still faster by Winograd. Measured
    /// 2026-12-06 on resnet50's 3x3 layers (Zen 5, batch 1): 14x14x256 0.51 ms Winograd against
    /// 0.29 ms bf16 im2col; 28x28x128 0.23 against 0.34; 56x56x64 0.25 against 0.30.
    static let minimumTilesAtBF16 = 49

    /// Whether `g` is a convolution this kernel computes, and one where it pays off, with `kernels`
    /// (Winograd on; at AVX512-BF16 these layers stay fp32 Winograd: its 2.25x fewer multiplies
    /// beat bf16 im2col's 2x, measured on vgg16; on the AMX tiles im2col is several times faster).
    package static func applies(to g: Conv2DGeometry, kernels: KernelOptions) -> Bool {
        let p = g.params
        guard kernels.winograd == .avx512, !kernels.usesAMX, p.kernel == Size2D(3, 3), p.strides == .one, p.dilations == .one, p.groups == 1 else { return false }
        guard g.inC >= 16, g.outC >= 16 else { return false }
        let tiles = Tiling(g)
        return tiles.tilesH * tiles.tilesW >= (kernels.precision == .bf16 ? minimumTilesAtBF16 : minimumTiles)
    }

    /// Tiles a worker takes through all three stages at once where the transformed weights are small
    /// (`streams`): the tiles' transformed inputs and products (36 x 14 x (C + K) floats, 258 KB at
    /// 64 -> 64 channels) stay in the worker's L2 beside the weights, where the stages one after the
    /// other over a whole block (up to 8 MB) passed them through memory and waited for each other.
    /// Against the blocks (Zen 5, 2 threads, fp32): vgg16 batch 1 0.93, batch 8 0.97; resnet18
    /// batch 1 0.97; 28 tiles a chunk 0.93 / 0.93 (vgg16, resnet18 batch 1).
    static let streamedTiles = 14
    /// Bytes of transformed weights up to which a layer streams (each worker reads them all): 64 ->
    /// 64 and 64 -> 128 channels (590 KB, 1.2 MB). Also streaming 128 -> 128 (2.4 MB) was slower
    /// on resnet18 (1.00 against 0.97) and vgg16 (0.94, 1.01 against 0.93, 0.97).
    static let streamedWeightBytes = 1_250_000

    /// Whether `run` streams `g` with weights laid out so (`packed`).
    static func streams(_ g: Conv2DGeometry, packed: Bool) -> Bool {
        packed && 36 * g.inC * g.outC * MemoryLayout<Float>.size <= streamedWeightBytes
    }

    /// Floats of scratch one `run` with `threads` threads needs: one block's transformed inputs and
    /// products, or each worker's when the layer streams.
    package static func scratchCount(_ g: Conv2DGeometry, threads: Int) -> Int {
        let t = Tiling(g)
        let streamed = streams(g, packed: true)
            ? workerCount(count: ceilDiv(t.total, streamedTiles), threads: threads) * 36 * streamedTiles * (g.inC + g.outC) : 0
        return max(36 * t.block * (g.inC + g.outC), streamed)
    }

    /// output[N,OH,OW,K] = act(conv3x3(input) + bias + residual), `weights` transformed from the
    /// HWIO weights of this geometry; `scratch` holds `scratchCount(g)` floats. The 36 GEMMs take
    /// `kernels.gemm` (AVX-512 or BLAS); the transforms are AVX-512 (`isAvailable`).
    package static func run(_ g: Conv2DGeometry, weights: WinogradWeights, input: UnsafePointer<Float>,
                           bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                           output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                           activations: BF16Activations = .none, threads: Int, kernels: KernelOptions) {
        precondition(weights.channels == g.inC && weights.outChannels == g.outC,
                     "winograd: weights for \(weights.channels) -> \(weights.outChannels), conv is \(g.inC) -> \(g.outC)")
        precondition(activations.isNone || storesBF16(g, kernels: kernels), "winograd: bf16 activations on AVX512-BF16 only")
        precondition(!weights.packed || kernels.gemm == .avx512, "winograd: packed weights for the \(kernels.gemm) GEMM")
        let t = Tiling(g), c = g.inC, k = g.outC, packed = weights.packed, matrixFloats = weights.matrixFloats
        let bounds = g.params.activation.clampBounds
        let shape = zoo_winograd_shape(in_h: g.inH, in_w: g.inW, channels: c, out_h: g.outH, out_w: g.outW,
                                       out_channels: k, pad_top: g.params.padding.top, pad_left: g.params.padding.left,
                                       tiles_h: t.tilesH, tiles_w: t.tilesW)
        let epilogue = Epilogue(bias: bias, residual: residual, ldr: k, activation: g.params.activation, bf16: activations)
        let x = SharedConstPointer(input), u = SharedConstPointer(UnsafePointer(weights.values))
        // Tiles [t0, t1) transformed into rows `block` apart at `v`.
        let transform: @Sendable (_ shape: inout zoo_winograd_shape, _ t0: Int, _ t1: Int, _ block: Int,
                                  _ v: UnsafeMutablePointer<Float>) -> Void = { shape, t0, t1, block, v in
            if activations.input {
                zoo_winograd_input_stored(&shape, t0, t1, block, UnsafeRawPointer(x.base).assumingMemoryBound(to: UInt16.self), v)
            } else {
                zoo_winograd_input(&shape, t0, t1, block, x.base, v)
            }
        }
        if streams(g, packed: packed) {
            let chunk = streamedTiles, perWorker = 36 * chunk * (c + k), s = SharedPointer(scratch), y = SharedPointer(output)
            parallelFor(count: ceilDiv(t.total, chunk), threads: threads) { worker, chunks in
                let v = s.base + worker * perWorker, products = v + 36 * chunk * c
                var shape = shape, fused = epilogue.fusable(row0: 0, col0: 0)
                for i in chunks {
                    let t0 = i * chunk, t1 = min(t0 + chunk, t.total)
                    transform(&shape, t0, t1, chunk, v)
                    for xi in 0..<36 {
                        zoo_sgemm_packed(t1 - t0, k, c, v + xi * chunk * c, c, u.base + xi * matrixFloats,
                                         products + xi * chunk * k, k, nil)
                    }
                    zoo_winograd_output(&shape, t0, t1, chunk, products, y.base, &fused)
                }
            }
            if bounds == nil && !activations.output {
                Elementwise.activation(g.params.activation, input: UnsafePointer(output), output: output,
                                       count: g.batch * g.outH * g.outW * k, threads: threads)
            }
            return
        }
        let v = SharedPointer(scratch), products = SharedPointer(scratch + 36 * t.block * c), y = SharedPointer(output)
        for t0 in stride(from: 0, to: t.total, by: t.block) {
            let count = min(t.block, t.total - t0)
            parallelFor(count: count, threads: threads) { _, tiles in
                var shape = shape
                transform(&shape, t0 + tiles.lowerBound, t0 + tiles.upperBound, t.block, v.base + tiles.lowerBound * c)
            }
            // 36 independent GEMMs, cut into row tiles: plenty of tasks without splitting columns.
            let rowTile = 128, rowTiles = ceilDiv(count, rowTile)
            parallelFor(count: 36 * rowTiles, threads: threads) { _, tasks in
                for task in tasks {
                    let xi = task / rowTiles, r0 = (task % rowTiles) * rowTile
                    let rows = min(rowTile, count - r0)
                    let a = v.base + (xi * t.block + r0) * c, product = products.base + (xi * t.block + r0) * k
                    if packed {
                        zoo_sgemm_packed(rows, k, c, a, c, u.base + xi * matrixFloats, product, k, nil)
                    } else {
                        GEMM.block(rows: rows, cols: k, k: c, a: a, lda: c, b: u.base + xi * matrixFloats, ldb: k,
                                   c: product, ldc: k, epilogue: Epilogue(bias: nil, residual: nil, ldr: k, activation: .none),
                                   row0: 0, col0: 0, kernels: kernels)
                    }
                }
            }
            parallelFor(count: count, threads: threads) { _, tiles in
                var shape = shape, fused = epilogue.fusable(row0: 0, col0: 0)
                zoo_winograd_output(&shape, t0 + tiles.lowerBound, t0 + tiles.upperBound, t.block,
                                    products.base + tiles.lowerBound * k, y.base, &fused)
            }
        }
        if bounds == nil && !activations.output {
            Elementwise.activation(g.params.activation, input: UnsafePointer(output), output: output,
                                   count: g.batch * g.outH * g.outW * k, threads: threads)
        }
    }

    /// Whether `run` may read its input and residual as bf16 and write its output as bf16
    /// (`BF16Activations`): at bf16 on AVX512-BF16 (the transforms stay float32; the output stage
    /// rounds as the GEMM's store does), an activation it fuses, an even channel count.
    package static func storesBF16(_ g: Conv2DGeometry, kernels: KernelOptions) -> Bool {
        BF16Activations.storable(outChannels: g.outC, activation: g.params.activation, kernels: kernels)
    }

    /// How the batch's tiles are cut into blocks whose transformed inputs and products
    /// (36 x block x (C + K) floats) stay within about 8 MB.
    struct Tiling {
        let tilesH, tilesW, total, block: Int

        static let blockBytes = 8 << 20

        init(_ g: Conv2DGeometry) {
            tilesH = ceilDiv(g.outH, 4)
            tilesW = ceilDiv(g.outW, 4)
            total = g.batch * tilesH * tilesW
            let bytes = 36 * total * (g.inC + g.outC) * MemoryLayout<Float>.size
            let blocks = max(1, ceilDiv(bytes, Self.blockBytes))
            block = max(1, min(total, roundUp(ceilDiv(total, blocks), 16)))
        }
    }
}
