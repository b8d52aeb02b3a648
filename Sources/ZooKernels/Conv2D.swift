import CZooKernels

package enum Conv2D {
    /// Floats of scratch memory one `run` needs with `threads` threads (0 when none); `bf16`: the
    /// run multiplies in bfloat16 (it has packed weights and bf16 precision), with `activations`.
    package static func scratchCount(_ g: Conv2DGeometry, threads: Int, bf16: Bool = false,
                                     activations: BF16Activations = .none) -> Int {
        if g.isDepthwise { return 0 }
        let plan = ConvPlan(g)
        if plan.isPointwise {
            return bf16 ? GEMM.bf16ScratchCount(m: plan.pixels, n: plan.groupOut, k: plan.groupIn, groups: g.params.groups,
                                                activations: activations) : 0
        }
        return max(gatherScratchCount(plan, threads: threads, bf16: bf16, inputBF16: activations.input),
                   directScratchCount(plan, threads: threads))
    }

    /// Scratch of the im2col paths: each worker's gathered row tile (at bf16, maybe all rows once),
    /// or the padded input rows whose windows are read in place (at fp32, where there are fp32
    /// panels, which this count does not know of: the larger of the two).
    private static func gatherScratchCount(_ plan: ConvPlan, threads: Int, bf16: Bool, inputBF16: Bool) -> Int {
        if bf16 && inputBF16 && readsWindows(plan.g, of: .bf16) {
            return windowsScratchCount(plan, of: .bf16, threads: threads)
        }
        if bf16 && plan.gathersBF16 {
            if plan.roundsRowsOnce { return BF16Rows.scratchCount(m: plan.pixels, k: plan.groupK) }
            return workerCount(count: plan.tasks, threads: threads) * BF16Rows.scratchCount(m: plan.tiling.rowTile, k: plan.groupK)
        }
        let gathered = workerCount(count: plan.tasks, threads: threads) * plan.tiling.rowTile * plan.patchLength
        let windows = readsWindows(plan.g, of: .float32) ? windowsScratchCount(plan, of: .float32, threads: threads) : 0
        return max(gathered, windows)
    }

    /// Scratch of the direct kernels, where the geometry could take one. Either kernel's, whatever
    /// the precision (a few KB): a bf16 run reading float32 weights (no bf16 panels were made for
    /// it) still takes the bf16 kernel.
    private static func directScratchCount(_ plan: ConvPlan, threads: Int) -> Int {
        guard fitsDirect(plan.g) else { return 0 }
        return DirectKernel.scratchCount(plan, workers: workerCount(count: plan.directRows, threads: threads))
    }

    /// output[N,OH,OW,O] = act(conv(input[N,H,W,C], weights[KH,KW,C/groups,O]) + bias[O] + residual[N,OH,OW,O])
    /// `output` must not overlap `input` or `residual`; `scratch` holds `scratchCount(g, threads:)` floats.
    /// `kernels` must be runnable; with `bf16Weights` (packed from `weights`) and bf16 precision, the
    /// GEMM multiplies in bfloat16 (depthwise convolutions stay float32); with `fp32Panels` (packed
    /// from `weights` where `FP32Panels.pays`) the float32 GEMM reads those. `activations` says
    /// which of input, residual and output hold bf16 (only where `storesBF16` and `readsBF16` allow).
    package static func run(_ g: Conv2DGeometry, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
                           bf16Weights: BF16Weights? = nil, fp32Panels: FP32Panels? = nil, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                           output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>?,
                           activations: BF16Activations = .none, threads: Int, kernels: KernelOptions) {
        let groups = g.params.groups
        precondition(groups >= 1 && g.inC % groups == 0 && g.outC % groups == 0,
                     "conv: \(g.inC) -> \(g.outC) channels do not split into \(groups) groups")
        precondition(fp32Panels == nil || groups == 1, "conv: fp32 panels are packed for ungrouped convolutions")
        guard g.batch > 0, g.outH > 0, g.outW > 0, g.outC > 0 else { return }
        if g.isDepthwise {
            runDepthwise(g, input: input, weights: weights, bias: bias, residual: residual,
                         output: output, threads: threads, path: kernels.depthwise)
            return
        }
        let plan = ConvPlan(g)
        precondition(activations.isNone || (bf16Weights != nil && storesBF16(g, kernels: kernels)),
                     "conv: bf16 activations need the bf16 GEMM")
        precondition(!activations.input || readsBF16(g), "conv: a bf16 input of \(g.inC) channels is no GEMM operand")
        let epilogue = Epilogue(bias: bias, residual: residual, ldr: g.outC, activation: g.params.activation,
                                bf16: activations)
        if plan.isPointwise {
            // NHWC input already is the [N*H*W, C] GEMM operand: no copy.
            GEMM.run(m: plan.pixels, n: plan.groupOut, k: plan.groupIn, groups: groups,
                     a: input, lda: g.inC, b: weights, ldb: g.outC, packed: bf16Weights, panels: fp32Panels,
                     c: output, ldc: g.outC, epilogue: epilogue, scratch: scratch, activations: activations,
                     threads: threads, kernels: kernels)
            return
        }
        if let direct = directPath(g, kernels: kernels) {
            guard let scratch else {
                preconditionFailure("conv: \(scratchCount(g, threads: threads)) floats of scratch required, none given")
            }
            let kernel = DirectKernel(plan, path: direct, weights: weights, bf16Weights: bf16Weights, kernels: kernels,
                                      scratch: scratch)
            let x = SharedConstPointer(input), y = SharedPointer(output), outW = g.outW, outC = g.outC
            // Output rows shared out among the workers.
            parallelFor(count: plan.directRows, threads: threads) { worker, rows in
                var fused = epilogue.fusable(row0: 0, col0: 0)
                kernel.run(pixel0: rows.lowerBound * outW, count: rows.count * outW, input: x.base,
                           output: y.base + rows.lowerBound * outW * outC, epilogue: &fused, worker: worker)
            }
            return
        }
        if let bf16Weights, kernels.precision == .bf16, activations.input, readsWindows(g, of: .bf16) {
            precondition(kernels.bf16 == .avx512, "conv: bf16 windows are read on AVX512-BF16 only")
            runWindows(plan, input: UnsafeRawPointer(input), weights: .bf16(bf16Weights), output: SharedPointer(output),
                       scratch: scratch, epilogue: epilogue, threads: threads)
            return
        }
        if let fp32Panels, kernels.gemm == .avx512, kernels.precision == .fp32, readsWindows(g, of: .float32) {
            runWindows(plan, input: UnsafeRawPointer(input), weights: .float32(fp32Panels), output: SharedPointer(output),
                       scratch: scratch, epilogue: epilogue, threads: threads)
            return
        }
        guard let scratch else {
            preconditionFailure("conv: \(scratchCount(g, threads: threads)) floats of scratch required, none given")
        }
        if let bf16Weights, kernels.precision == .bf16, plan.gathersBF16 {
            runBF16Im2col(plan, input: SharedConstPointer(input), inputBF16: activations.input, bf16Weights: bf16Weights,
                          output: SharedPointer(output), scratch: scratch, epilogue: epilogue, threads: threads,
                          kernels: kernels)
            return
        }
        runIm2col(plan, input: SharedConstPointer(input), weights: SharedConstPointer(weights), bf16Weights: bf16Weights,
                  fp32Panels: fp32Panels, output: SharedPointer(output), scratch: SharedPointer(scratch), epilogue: epilogue,
                  threads: threads, kernels: kernels)
    }

    /// The direct kernels (zoo_conv_direct.h), for a first layer on RGB: im2col's rows there are
    /// too short for the GEMM (27 for a 3x3), and gathering them costs as much as multiplying.
    package enum DirectPath: Sendable, Equatable {
        /// Float32 multiply-adds; at bf16 precision, of the bf16-rounded weights and the image unrounded.
        case float32
        /// VDPBF16PS on the image and weights rounded to bf16, kernel rows in pairs.
        case bf16
    }

    /// Which direct kernel `run` takes for `g` with `kernels`, if any: few input channels,
    /// ungrouped, not 1x1-pointwise, the AVX-512 path, an activation the epilogue clamps. At bf16
    /// on AVX512-BF16 the bf16 kernel (Zen 5, batch 1, 2 threads: ResNet's 7x7 stem 0.61 ms by bf16
    /// im2col, 0.42 ms; one thread standalone, 0.99 ms by the float32 kernel, 0.61 ms); on the AMX
    /// tiles, whose im2col GEMM is much faster, the float32 kernel for 3x3 layers only (a 27-deep
    /// GEMM is too shallow even for the tiles), ResNet's 147 taps by AMX im2col.
    package static func directPath(_ g: Conv2DGeometry, kernels: KernelOptions) -> DirectPath? {
        guard fitsDirect(g), kernels.gemm == .avx512, g.params.activation.clampBounds != nil else { return nil }
        guard kernels.precision == .bf16 else { return .float32 }
        if !kernels.usesAMX { return .bf16 }
        return g.params.kernel.h * g.params.kernel.w * g.inC <= 32 ? .float32 : nil
    }

    /// Whether `run` takes a direct kernel.
    package static func runsDirect(_ g: Conv2DGeometry, kernels: KernelOptions) -> Bool {
        directPath(g, kernels: kernels) != nil
    }

    /// Whether `run` at bf16 (with packed weights) may read its residual and write its output as
    /// bf16 (`BF16Activations.storable`): ungrouped GEMM paths (1x1, or bf16 im2col; not the direct
    /// kernels) on the AVX-512 GEMM.
    package static func storesBF16(_ g: Conv2DGeometry, kernels: KernelOptions) -> Bool {
        BF16Activations.storable(outChannels: g.outC, activation: g.params.activation, kernels: kernels)
            && kernels.gemm == .avx512 && !g.isDepthwise && g.params.groups == 1 && !runsDirect(g, kernels: kernels)
    }

    /// Whether `run` may read its input as bf16 (given `storesBF16`): the bf16 im2col gathers
    /// bf16 patches as well as it rounds float32 ones; a 1x1 stride-1 convolution's NHWC input is
    /// the GEMM's operand as it stands when it has an even channel count (whole depth pairs).
    package static func readsBF16(_ g: Conv2DGeometry) -> Bool {
        !ConvPlan(g).isPointwise || g.inC % 2 == 0
    }

    /// Whether the direct kernels can compute `g` (on the AVX-512 path).
    private static func fitsDirect(_ g: Conv2DGeometry) -> Bool {
        let p = g.params
        let pointwise = p.kernel == .one && p.strides == .one && p.padding.isZero
        return p.groups == 1 && g.inC <= Int(ZOO_CONV_DIRECT_MAX_CHANNELS) && !pointwise
            && p.kernel.h * p.kernel.w * g.inC <= Int(ZOO_CONV_DIRECT_MAX_TAPS)
    }

    /// Output pixels in row tiles: each tile's patches are gathered into the worker's scratch,
    /// multiplied per group and column block, and finished by the epilogue while still in cache.
    private static func runIm2col(_ plan: ConvPlan, input: SharedConstPointer<Float>, weights: SharedConstPointer<Float>,
                                  bf16Weights: BF16Weights?, fp32Panels: FP32Panels?, output: SharedPointer<Float>,
                                  scratch: SharedPointer<Float>,
                                  epilogue: Epilogue, threads: Int, kernels: KernelOptions) {
        let t = plan.tiling, outC = plan.g.outC, patch = plan.patchLength
        let perRowTile = plan.g.params.groups * t.colBlocks
        parallelFor(count: plan.tasks, threads: threads) { worker, tasks in
            let patches = scratch.base + worker * t.rowTile * patch
            var gathered = -1  // row tile whose patches are in `patches`
            for task in tasks {
                let rowTile = task / perRowTile
                let group = (task % perRowTile) / t.colBlocks
                let (rows, cols) = t.block(rowTile * t.colBlocks + task % t.colBlocks)
                if gathered != rowTile {
                    im2col(plan, input: input.base, pixels: rows, into: patches)
                    gathered = rowTile
                }
                let col0 = group * plan.groupOut + cols.lowerBound
                let out = output.base + rows.lowerBound * outC + col0
                GEMM.block(rows: rows.count, cols: cols.count, k: plan.groupK,
                           a: patches + group * plan.groupK, lda: patch,
                           b: weights.base + col0, ldb: outC, packed: bf16Weights, panels: fp32Panels, c: out, ldc: outC,
                           epilogue: epilogue, row0: rows.lowerBound, col0: col0, kernels: kernels)
            }
        }
    }

    /// At bf16, ungrouped: patches are gathered straight into bf16 rows (`zoo_bf16_im2col`), half
    /// the bytes of a float32 im2col and no rounding left for the GEMM (`inputBF16`: copied from an
    /// input stored as bf16). With few row tiles (each
    /// split into column blocks) all pixels are gathered once, by all workers, into rows the blocks
    /// share; otherwise each worker gathers its own row tile, which is one task.
    private static func runBF16Im2col(_ plan: ConvPlan, input: SharedConstPointer<Float>, inputBF16: Bool,
                                      bf16Weights: BF16Weights, output: SharedPointer<Float>,
                                      scratch: UnsafeMutablePointer<Float>, epilogue: Epilogue, threads: Int,
                                      kernels: KernelOptions) {
        let t = plan.tiling, outC = plan.g.outC, k = plan.groupK
        let shape = plan.im2colShape
        // Pixels [first, first + count) gathered into rows starting at `dst`.
        let gather: @Sendable (_ first: Int, _ count: Int, _ dst: UnsafeMutablePointer<UInt32>, _ stride: Int) -> Void = {
            first, count, dst, stride in
            var shape = shape
            if inputBF16 {
                zoo_bf16_im2col_stored(&shape, first, count, UnsafeRawPointer(input.base).assumingMemoryBound(to: UInt16.self),
                                       dst, stride)
            } else {
                zoo_bf16_im2col(&shape, first, count, input.base, dst, stride)
            }
        }
        // Runs one task's GEMM on rows already gathered (`rows` at the task's first row).
        let multiply: @Sendable (_ task: Int, _ rows: BF16Rows, _ first: Int) -> Void = { task, rows, first in
            let (r, cols) = t.block(task)
            GEMM.block(rows: r.count, cols: cols.count, k: k, rounded: rows.base + (r.lowerBound - first) * rows.stride,
                       lda: rows.stride, packed: bf16Weights, output: UnsafeMutableRawPointer(output.base),
                       ldc: outC, epilogue: epilogue, row0: r.lowerBound, col0: cols.lowerBound, kernels: kernels)
        }
        if plan.roundsRowsOnce {
            let rows = BF16Rows(scratch: scratch, m: plan.pixels, k: k)
            parallelFor(count: plan.pixels, grain: 16, threads: threads) { _, pixels in
                gather(pixels.lowerBound, pixels.count, rows.base + pixels.lowerBound * rows.stride, rows.stride)
            }
            parallelFor(count: t.tasks, threads: threads) { _, tasks in
                for task in tasks { multiply(task, rows, 0) }
            }
            return
        }
        let perWorker = BF16Rows.scratchCount(m: t.rowTile, k: k), scratch = SharedPointer(scratch)
        parallelFor(count: t.tasks, threads: threads) { worker, tasks in
            // Rows past a tile's end are stale: the GEMM drops their products.
            let rows = BF16Rows(scratch: scratch.base + worker * perWorker, m: t.rowTile, k: k, zeroingPadding: false)
            for task in tasks {
                let pixels = t.block(task).rows
                gather(pixels.lowerBound, pixels.count, rows.base, rows.stride)
                multiply(task, rows, pixels.lowerBound)
            }
        }
    }

    /// Writes one patch row per output pixel, laid out [group, KH, KW, C/groups] so each group's
    /// slice lines up with the HWIO weight rows; taps outside the input are zeros.
    private static func im2col(_ plan: ConvPlan, input: UnsafePointer<Float>, pixels: Range<Int>,
                               into patches: UnsafeMutablePointer<Float>) {
        let g = plan.g, p = g.params
        let kh = p.kernel.h, kw = p.kernel.w, c = g.inC, cg = plan.groupIn
        for (i, pixel) in pixels.enumerated() {
            let n = pixel / (g.outH * g.outW), oh = (pixel / g.outW) % g.outH, ow = pixel % g.outW
            let image = input + n * g.inH * g.inW * c
            let ih0 = oh * p.strides.h - p.padding.top, iw0 = ow * p.strides.w - p.padding.left
            var dst = patches + i * plan.patchLength
            if p.groups == 1 && p.dilations.w == 1 {
                // Ungrouped, undilated along W: each kernel row is one contiguous run of the input.
                let run = kw * c
                let lo = min(max(0, -iw0), kw), hi = max(min(kw, g.inW - iw0), lo)
                for r in 0..<kh {
                    let ih = ih0 + r * p.dilations.h
                    if ih < 0 || ih >= g.inH || lo == hi {
                        dst.update(repeating: 0, count: run)
                    } else {
                        dst.update(repeating: 0, count: lo * c)
                        (dst + lo * c).update(from: image + (ih * g.inW + iw0 + lo) * c, count: (hi - lo) * c)
                        (dst + hi * c).update(repeating: 0, count: (kw - hi) * c)
                    }
                    dst += run
                }
                continue
            }
            for group in 0..<p.groups {
                for r in 0..<kh {
                    let ih = ih0 + r * p.dilations.h
                    for s in 0..<kw {
                        let iw = iw0 + s * p.dilations.w
                        if ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW {
                            dst.update(repeating: 0, count: cg)
                        } else {
                            dst.update(from: image + (ih * g.inW + iw) * c + group * cg, count: cg)
                        }
                        dst += cg
                    }
                }
            }
        }
    }
}

/// Sizes derived once from a geometry, shared by `scratchCount` and `run` so they agree.
struct ConvPlan: Sendable {
    let g: Conv2DGeometry
    /// Output pixels N*OH*OW: the GEMM's M.
    let pixels: Int
    let groupIn, groupOut: Int
    /// KH*KW*C/groups: one group's GEMM K.
    let groupK: Int
    /// KH*KW*C: one pixel's im2col row across all groups.
    let patchLength: Int
    /// 1x1, stride 1, unpadded: the input is the GEMM operand as it stands.
    let isPointwise: Bool
    let tiling: GEMMTiling
    var tasks: Int { tiling.rowTiles * g.params.groups * tiling.colBlocks }
    /// At bf16, whether patches are gathered straight into bf16 rows (ungrouped convolutions).
    var gathersBF16: Bool { g.params.groups == 1 }
    /// At bf16, whether all pixels' patches are gathered once for every column block (`BF16Rows`)
    /// rather than per worker's row tile.
    var roundsRowsOnce: Bool { gathersBF16 && BF16Rows.pays(for: tiling) }

    /// Output rows of the whole batch: what the direct kernel's workers share out.
    var directRows: Int { g.batch * g.outH }

    /// The C gather's view of the geometry.
    var im2colShape: zoo_im2col_shape {
        let p = g.params
        return zoo_im2col_shape(in_h: g.inH, in_w: g.inW, channels: g.inC, out_h: g.outH, out_w: g.outW,
                                kernel_h: p.kernel.h, kernel_w: p.kernel.w, stride_h: p.strides.h, stride_w: p.strides.w,
                                dilation_h: p.dilations.h, dilation_w: p.dilations.w, pad_top: p.padding.top,
                                pad_left: p.padding.left)
    }

    /// Floats of im2col per worker to aim for: about 2 MB. The GEMM reads a tile 256 columns
    /// at a time, so it need not fit a cache; taller tiles mean fewer passes over the weights.
    static let tileFloats = 1 << 19

    init(_ g: Conv2DGeometry) {
        let p = g.params
        self.g = g
        pixels = g.batch * g.outH * g.outW
        groupIn = g.inC / p.groups
        groupOut = g.outC / p.groups
        groupK = p.kernel.h * p.kernel.w * groupIn
        patchLength = groupK * p.groups
        isPointwise = p.kernel == .one && p.strides == .one && p.padding.isZero
        let maxRowTile = min(256, max(32, Self.tileFloats / max(patchLength, 1) / 16 * 16))
        tiling = GEMMTiling(m: pixels, n: groupOut, k: groupK, maxRowTile: maxRowTile)
    }
}
