import CZooKernels

/// A 1x1 convolution's weights as the GEMM reads them: row-major [C, O] float32, and where the
/// executor made them, bf16 panels (bf16 precision) or float32 panels.
package struct PointwiseWeights: @unchecked Sendable {
    package let float32: UnsafePointer<Float>
    package let bf16: BF16Weights?
    package let panels: FP32Panels?

    package init(float32: UnsafePointer<Float>, bf16: BF16Weights?, panels: FP32Panels?) {
        self.float32 = float32
        self.bf16 = bf16
        self.panels = panels
    }
}

/// MobileNetV2's inverted residual block (EfficientNet-Lite's MBConv too): a 1x1 expansion (absent
/// in the first block), a depthwise convolution, and a 1x1 projection that adds the block's
/// residual, run as one step over a few output rows at a time. The expanded rows a tile's
/// depthwise rows read are computed into the worker's scratch, and the depthwise rows projected
/// from there, so the block's widest tensors (six times its input's channels; mobilenet_v2's
/// 112x112x96, 4.8 MB per image) are never written to memory and read back. The same bits as
/// the three layers one after the other: every kernel computes an element the same way whatever
/// rows it is given (the GEMM's sums over k in order, the depthwise kernel's taps in order).
package struct InvertedResidual: Sendable, Hashable {
    package let expand: Conv2DGeometry?
    package let depthwise: Conv2DGeometry
    package let project: Conv2DGeometry
    /// Depthwise output rows per tile.
    let tileRows: Int

    /// Output pixels per image from which the block runs fused: a 14x14 map (mobilenet_v2 at batch 1
    /// on Zen 5, against fusing none: from 14x14 0.81 fp32, 0.67 bf16; from 28x28 0.86, 0.80; from
    /// 7x7 0.84, 0.67). On 7x7 maps a tile is a whole image, for which each worker reads all the
    /// weights, where the layers one at a time share the weights' columns out among the workers.
    static let minimumPixelsPerImage = 14 * 14

    /// Depthwise output pixels per tile, about: enough rows for the GEMMs' 14-row micro-tiles, few
    /// enough that the expanded rows stay in L2 (56, 224 and 448 were slower at batch 1, within
    /// noise at batch 8).
    static let tilePixels = 112

    /// The fused block, when these three (or two) layers are one and the kernels are the AVX-512
    /// ones: pointwise, ungrouped expansion and projection around a depthwise convolution of
    /// channel multiplier 1, the maps large enough; nil otherwise.
    package init?(expand: Conv2DGeometry?, depthwise: Conv2DGeometry, project: Conv2DGeometry, kernels: KernelOptions) {
        guard kernels.gemm == .avx512, kernels.depthwise == .avx512, depthwise.isDepthwise,
              depthwise.outC == depthwise.inC, depthwise.outH * depthwise.outW >= Self.minimumPixelsPerImage,
              Self.isPointwise(project), project.inC == depthwise.outC, project.batch == depthwise.batch,
              project.inH == depthwise.outH, project.inW == depthwise.outW else { return nil }
        if let expand {
            guard Self.isPointwise(expand), expand.outC == depthwise.inC, expand.batch == depthwise.batch,
                  expand.outH == depthwise.inH, expand.outW == depthwise.inW else { return nil }
        }
        self.expand = expand
        self.depthwise = depthwise
        self.project = project
        tileRows = min(depthwise.outH, max(1, ceilDiv(Self.tilePixels, depthwise.outW)))
    }

    private static func isPointwise(_ g: Conv2DGeometry) -> Bool {
        let p = g.params
        return p.kernel == .one && p.strides == .one && p.padding.isZero && p.groups == 1
    }

    private var tilesPerImage: Int { ceilDiv(depthwise.outH, tileRows) }

    /// Expanded rows one tile may need: its depthwise rows' windows.
    private var heldRows: Int {
        let p = depthwise.params
        return min(depthwise.inH, (tileRows - 1) * p.strides.h + (p.kernel.h - 1) * p.dilations.h + 1)
    }

    /// Floats of one worker's scratch: the expanded rows, then the depthwise rows in float32 (unless
    /// the depthwise kernel rounds them itself), then (when the projection stores or adds bf16,
    /// which only the GEMM on rounded rows does) those rounded.
    private func workerFloats(_ activations: BF16Activations) -> Int {
        let tile = tileRows * depthwise.outW
        return (expand == nil ? 0 : heldRows * depthwise.inW * depthwise.inC) + float32RowFloats(activations)
            + (projectsRounded(activations) ? BF16Rows.scratchCount(m: tile, k: depthwise.outC) : 0)
    }

    /// Floats of a worker's float32 depthwise rows: none when the depthwise kernel rounds them.
    private func float32RowFloats(_ activations: BF16Activations) -> Int {
        depthwiseRounds(activations) ? 0 : tileRows * depthwise.outW * depthwise.outC
    }

    /// Whether the projection multiplies rounded rows (`GEMM.block(rounded:)`).
    private func projectsRounded(_ activations: BF16Activations) -> Bool { activations.output || activations.residual }

    /// Whether the depthwise kernel writes those rounded rows itself (`zoo_depthwise_row_bf16`), so no
    /// float32 rows are written and rounded again: a 3x3 undilated kernel, its activation fused, whole
    /// depth pairs. The same bits. (bf16 activations run on AVX512-BF16 only, `storesBF16`; the AMX
    /// kernel would read rows padded with zeros.)
    private func depthwiseRounds(_ activations: BF16Activations) -> Bool {
        let p = depthwise.params
        return projectsRounded(activations) && p.kernel == Size2D(3, 3) && p.dilations == .one
            && depthwise.outC % 2 == 0 && BF16Activations.fusesActivation(p.activation)
    }

    /// Floats of scratch `run` needs with `threads` threads.
    package func scratchCount(threads: Int, activations: BF16Activations = .none) -> Int {
        workerCount(count: depthwise.batch * tilesPerImage, threads: threads) * workerFloats(activations)
    }

    /// Whether the block may read its input as bf16 (`BF16Activations.input`): the expansion's
    /// GEMM reads it (the depthwise kernel reads float32), in whole depth pairs.
    package var readsBF16: Bool { expand.map { $0.inC % 2 == 0 } ?? false }

    /// Whether the block may add a bf16 residual and write its output as bf16, as a convolution
    /// does (`Conv2D.storesBF16`) on the AVX512-BF16 kernel.
    package func storesBF16(kernels: KernelOptions) -> Bool {
        BF16Activations.storable(outChannels: project.outC, activation: project.params.activation, kernels: kernels)
    }

    /// The input rows (inside the image) the depthwise rows `rows` read.
    private func inputRows(_ rows: Range<Int>) -> Range<Int> {
        let p = depthwise.params
        var lower = depthwise.inH, upper = 0
        for oy in rows {
            let w = PoolWindow(out: oy, kernel: p.kernel.h, stride: p.strides.h, dilation: p.dilations.h,
                               padBegin: p.padding.top, padEnd: p.padding.bottom, input: depthwise.inH)
            guard !w.valid.isEmpty else { continue }
            lower = min(lower, w.start + w.valid.lowerBound * p.dilations.h)
            upper = max(upper, w.start + (w.valid.upperBound - 1) * p.dilations.h + 1)
        }
        return lower < upper ? lower..<upper : 0..<0
    }

    /// output[N, OH, OW, project.outC] = project(depthwise(expand(input))) + residual, each layer with
    /// its bias and activation. `input` is the block's input ([N, H, W, C]; the depthwise layer's
    /// when there is no expansion); `residual` is laid out like `output`, which overlaps neither.
    /// `scratch` holds `scratchCount(threads:activations:)` floats. `activations` says which of
    /// input, residual and output hold bf16 (where `readsBF16` and `storesBF16` allow, with bf16 weights).
    package func run(input: UnsafePointer<Float>, expandWeights: PointwiseWeights?, expandBias: UnsafePointer<Float>?,
                     depthwiseWeights: UnsafePointer<Float>, depthwiseBias: UnsafePointer<Float>?,
                     projectWeights: PointwiseWeights, projectBias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
                     output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                     activations: BF16Activations = .none, threads: Int, kernels: KernelOptions) {
        precondition(expand == nil || expandWeights != nil, "inverted residual: an expansion without weights")
        precondition(activations.isNone || (storesBF16(kernels: kernels) && projectWeights.bf16 != nil
                                            && (!activations.input || (readsBF16 && expandWeights?.bf16 != nil))),
                     "inverted residual: bf16 activations need the bf16 GEMMs")
        let d = depthwise, p = d.params, wide = d.inC, inRowFloats = d.inW * wide
        let expandEpilogue = expand.map { Epilogue(bias: expandBias, residual: nil, ldr: wide, activation: $0.params.activation) }
        let depthwiseEpilogue = Epilogue(bias: depthwiseBias, residual: nil, ldr: wide, activation: p.activation)
        let projectEpilogue = Epilogue(bias: projectBias, residual: residual, ldr: project.outC, activation: project.params.activation,
                                       bf16: BF16Activations(residual: activations.residual, output: activations.output))
        let rounded = projectsRounded(activations), tilePixels = tileRows * d.outW
        let depthwiseRounds = depthwiseRounds(activations), float32RowFloats = float32RowFloats(activations)
        let shape = zoo_depthwise_shape(
            in_h: d.inH, in_w: d.inW, channels: wide, out_w: d.outW, kernel_h: p.kernel.h, kernel_w: p.kernel.w,
            stride_h: p.strides.h, stride_w: p.strides.w, dilation_h: p.dilations.h, dilation_w: p.dilations.w,
            pad_top: p.padding.top, pad_left: p.padding.left)
        let x = SharedConstPointer(input), w = SharedConstPointer(depthwiseWeights), y = SharedPointer(output)
        let s = SharedPointer(scratch), tiles = tilesPerImage, workerFloats = workerFloats(activations)
        let expandedFloats = expand == nil ? 0 : heldRows * inRowFloats
        parallelFor(count: d.batch * tiles, threads: threads) { worker, range in
            let expanded = s.base + worker * workerFloats, rows = expanded + expandedFloats
            var held = HeldRows(base: expanded, rowFloats: inRowFloats)  // expanded rows
            // The depthwise rows rounded for the projection (rows past a tile's end: never read).
            let roundedRows = rounded
                ? BF16Rows(scratch: rows + float32RowFloats, m: tilePixels, k: wide, zeroingPadding: false) : nil
            for task in range {
                let n = task / tiles, oy0 = (task % tiles) * tileRows, oy1 = min(oy0 + tileRows, d.outH)
                var image = x.base + n * d.inH * inRowFloats, tileShape = shape
                if let expand, let expandWeights, let expandEpilogue {
                    let needed = inputRows(oy0..<oy1)
                    let computed = held.hold(needed, of: n)
                    let firstPixel = (n * d.inH + computed.lowerBound) * d.inW
                    if !computed.isEmpty, activations.input, let packed = expandWeights.bf16 {
                        // The input's bf16 rows are the expansion's operand as they stand.
                        GEMM.block(rows: computed.count * d.inW, cols: wide, k: expand.inC,
                                   rounded: UnsafeRawPointer(x.base).assumingMemoryBound(to: UInt32.self) + firstPixel * expand.inC / 2,
                                   lda: expand.inC / 2, packed: packed, output: held.pointer(to: computed.lowerBound),
                                   ldc: wide, epilogue: expandEpilogue, row0: 0, col0: 0, kernels: kernels)
                    } else if !computed.isEmpty {
                        GEMM.block(rows: computed.count * d.inW, cols: wide, k: expand.inC,
                                   a: x.base + firstPixel * expand.inC, lda: expand.inC,
                                   b: expandWeights.float32, ldb: wide, packed: expandWeights.bf16,
                                   panels: expandWeights.panels, c: held.pointer(to: computed.lowerBound),
                                   ldc: wide, epilogue: expandEpilogue, row0: 0, col0: 0, kernels: kernels)
                    }
                    // The depthwise kernel sees the held rows as the whole image: its rows start at
                    // needed.lowerBound, so the padding above them grows by as much.
                    image = UnsafePointer(expanded)
                    tileShape.in_h = needed.count
                    tileShape.pad_top = p.padding.top + needed.lowerBound
                }
                for oy in oy0..<oy1 {
                    var e = depthwiseEpilogue.fusable(row0: 0, col0: 0)
                    if depthwiseRounds, let roundedRows {
                        let dst = UnsafeMutableRawPointer(roundedRows.base + (oy - oy0) * d.outW * roundedRows.stride)
                            .assumingMemoryBound(to: UInt16.self)
                        let status = zoo_depthwise_row_bf16(&tileShape, oy, image, w.base, dst, 2 * roundedRows.stride, &e)
                        precondition(status == 0, "inverted residual: the depthwise kernel cannot store bf16 rows")
                        continue
                    }
                    let dst = rows + (oy - oy0) * d.outW * wide
                    zoo_depthwise_row(&tileShape, oy, image, w.base, dst, &e)
                    if p.activation.clampBounds == nil { applyActivation(p.activation, dst, count: d.outW * wide) }
                }
                let pixel0 = (n * d.outH + oy0) * d.outW, pixels = (oy1 - oy0) * d.outW
                if let roundedRows, let packed = projectWeights.bf16 {
                    if !depthwiseRounds { roundedRows.round(rows: pixels, from: rows, lda: wide, k: wide, at: 0) }
                    GEMM.block(rows: pixels, cols: project.outC, k: wide, rounded: roundedRows.base, lda: roundedRows.stride,
                               packed: packed, output: UnsafeMutableRawPointer(y.base), ldc: project.outC,
                               epilogue: projectEpilogue, row0: pixel0, col0: 0, kernels: kernels)
                } else {
                    GEMM.block(rows: pixels, cols: project.outC, k: wide, a: rows, lda: wide,
                               b: projectWeights.float32, ldb: project.outC, packed: projectWeights.bf16,
                               panels: projectWeights.panels, c: y.base + pixel0 * project.outC, ldc: project.outC,
                               epilogue: projectEpilogue, row0: pixel0, col0: 0, kernels: kernels)
                }
            }
        }
    }
}
