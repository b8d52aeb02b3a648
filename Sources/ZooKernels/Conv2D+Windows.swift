import CZooKernels

/// A convolution that reads each output pixel's window where it lies instead of gathering it
/// (im2col): the GEMM's row for a pixel is its kernel rows, each a run of kernel-width x channels
/// values of the input. Each worker copies the input rows its row tile reads, zero-padded, into its
/// scratch (nothing at all where no padding is needed, as for a 1x1 stride-2 convolution): about the
/// input's bytes, where the patches were kernel-height x kernel-width times them. At bf16 the patches
/// of a small map were gathered once by both workers into rows they then shared, with a wait
/// between the gather and the products; at fp32 a worker's patches of a 14x14 map (1.8 MB for
/// resnet50's 3x3 stride-2 layer) did not fit its L2. The same products in the same order: the same bits.
extension Conv2D {
    /// The values a windows GEMM multiplies: bf16 (an input an earlier layer stored as bf16, bf16
    /// panels) or float32 (float32 panels).
    package enum WindowValues: Sendable {
        case bf16, float32

        var size: Int { self == .bf16 ? 2 : 4 }
    }

    /// Whether `run` reads `g`'s windows of `values` in place (`runWindows`) rather than gathering
    /// them: not a plain 1x1 (whose input already is the GEMM's rows), ungrouped and undilated,
    /// output rows at least a micro-tile wide (the kernels' tiles stop at a row's end: 7-pixel rows
    /// ran half-height tiles, 0.94-0.97x the speed of gathered rows at bf16), and at bf16 an even
    /// channel count, so that every kernel row is whole depth pairs.
    package static func readsWindows(_ g: Conv2DGeometry, of values: WindowValues) -> Bool {
        let p = g.params
        let tileRows = values == .bf16 ? Int(ZOO_BF16_TILE_ROWS) : Int(ZOO_GEMM_TILE_ROWS)
        return !ConvPlan(g).isPointwise && p.groups == 1 && p.dilations == .one && g.outW >= tileRows
            && (values == .float32 || g.inC % 2 == 0)
    }

    /// Floats of scratch `runWindows` needs with `threads` threads: each worker's padded rows.
    static func windowsScratchCount(_ plan: ConvPlan, of values: WindowValues, threads: Int) -> Int {
        let rows = PaddedRows(plan, values)
        if rows.inPlace { return 0 }
        return workerCount(count: plan.tasks, threads: threads) * rows.bandFloats
    }

    /// The weights a windows GEMM reads: packed bf16 panels (the input holds bf16 values) or packed
    /// float32 panels (float32 values).
    enum WindowWeights: Sendable {
        case bf16(BF16Weights)
        case float32(FP32Panels)

        var values: WindowValues {
            switch self {
            case .bf16: .bf16
            case .float32: .float32
            }
        }
    }

    /// The product of `run` with the windows read in place (see above).
    static func runWindows(_ plan: ConvPlan, input: UnsafeRawPointer, weights: WindowWeights, output: SharedPointer<Float>,
                           scratch: UnsafeMutablePointer<Float>?, epilogue: Epilogue, threads: Int) {
        let g = plan.g, t = plan.tiling, padded = PaddedRows(plan, weights.values)
        let c = g.inC, plane = g.outH * g.outW, sh = g.params.strides.h, sw = g.params.strides.w
        let size = weights.values.size, imageBytes = g.inH * g.inW * c * size
        precondition(padded.inPlace || scratch != nil,
                     "conv: \(windowsScratchCount(plan, of: weights.values, threads: threads)) floats of scratch required, none given")
        let x = SharedConstPointer(input.assumingMemoryBound(to: UInt8.self)), bands = padded.inPlace ? nil : scratch.map { SharedPointer($0) }
        parallelFor(count: t.tasks, threads: threads) { worker, tasks in
            let band = bands.map { UnsafeMutableRawPointer($0.base + worker * padded.bandFloats) }
            var held: (image: Int, rows: Range<Int>)?  // the padded rows in `band`
            for task in tasks {
                let (pixels, cols) = t.block(task)
                var pixel = pixels.lowerBound
                while pixel < pixels.upperBound {  // the task's pixels image by image
                    let n = pixel / plane, end = min(pixels.upperBound, (n + 1) * plane)
                    let firstRow = (pixel % plane) / g.outW, lastRow = ((end - 1) % plane) / g.outW
                    // Where padded row 0 of image n is (`image`), and which of its rows (`row0` on) are there.
                    let image: UnsafeRawPointer, row0: Int
                    if let band {
                        let needed = padded.rows(forOutputRows: firstRow...lastRow)
                        if let held, held.image == n, held.rows.lowerBound <= needed.lowerBound,
                           needed.upperBound <= held.rows.upperBound {
                            row0 = held.rows.lowerBound
                        } else {
                            var shape = padded.shape
                            zoo_pad_rows(&shape, n, needed.lowerBound, needed.count, x.base, size, band)
                            held = (n, needed)
                            row0 = needed.lowerBound
                        }
                        image = UnsafeRawPointer(band)
                    } else {
                        (image, row0) = (UnsafeRawPointer(x.base + n * imageBytes), 0)
                    }
                    let window = image + (firstRow * sh - row0) * padded.rowValues * size
                    let count = end - pixel, first = pixel % plane, kh = g.params.kernel.h, kw = g.params.kernel.w
                    switch weights {
                    case .bf16(let packed):
                        // Strides in 32-bit words: a bf16 pair each.
                        GEMM.block(count: count, first: first, outW: g.outW, cols: cols.count,
                                   windows: window.assumingMemoryBound(to: UInt32.self), lda: sw * c / 2,
                                   rowWords: sh * padded.rowValues / 2, segments: kh, segmentPairs: kw * c / 2,
                                   segmentWords: padded.rowValues / 2, packed: packed,
                                   output: UnsafeMutableRawPointer(output.base), ldc: g.outC, epilogue: epilogue,
                                   row0: pixel, col0: cols.lowerBound)
                    case .float32(let panels):
                        GEMM.block(count: count, first: first, outW: g.outW, cols: cols.count,
                                   windows: window.assumingMemoryBound(to: Float.self), lda: sw * c,
                                   rowStride: sh * padded.rowValues, segments: kh, segmentLength: kw * c,
                                   segmentStride: padded.rowValues, panels: panels, output: output.base, ldc: g.outC,
                                   epilogue: epilogue, row0: pixel, col0: cols.lowerBound)
                    }
                    pixel = end
                }
            }
        }
    }
}

/// The padded input rows `runWindows` reads: padded row y is input row y - pad_top, and a row
/// spans the columns the windows of an output row read (`zoo_padded_width`).
private struct PaddedRows {
    let shape: zoo_im2col_shape
    let g: Conv2DGeometry
    /// No padding, and the windows stay inside the image: they are read from the input itself.
    let inPlace: Bool
    /// Values from one row to the next (of the copy, or of the input when in place).
    let rowValues: Int
    /// Floats of one worker's copy: the most padded rows one row tile's pixels of one image read.
    let bandFloats: Int

    init(_ plan: ConvPlan, _ values: Conv2D.WindowValues) {
        g = plan.g
        shape = plan.im2colShape
        var s = shape
        let p = g.params, width = zoo_padded_width(&s)
        let paddedHeight = (g.outH - 1) * p.strides.h + p.kernel.h
        inPlace = p.padding.isZero && width <= g.inW && paddedHeight <= g.inH
        rowValues = (inPlace ? g.inW : width) * g.inC
        // A tile starting mid-row touches one output row more than its height in rows.
        let outputRows = min(g.outH, ceilDiv(plan.tiling.rowTile, g.outW) + 1)
        let bandRows = min(paddedHeight, (outputRows - 1) * p.strides.h + p.kernel.h)
        bandFloats = inPlace ? 0 : ceilDiv(bandRows * rowValues * values.size, 4)
    }

    /// The padded rows the windows of output rows `rows` (of one image) read.
    func rows(forOutputRows rows: ClosedRange<Int>) -> Range<Int> {
        (rows.lowerBound * g.params.strides.h)..<(rows.upperBound * g.params.strides.h + g.params.kernel.h)
    }
}
