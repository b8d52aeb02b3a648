import CZooKernels

/// At bf16 on AVX512-BF16, a convolution whose input an earlier layer stored as bf16 reads each
/// output pixel's window where it lies instead of gathering it (im2col): the GEMM's row for a pixel
/// is its kernel rows, each a run of kernel-width x channels values of the input. Each worker copies
/// the input rows its row tile reads, zero-padded, into its scratch (nothing at all where no padding
/// is needed, as for a 1x1 stride-2 convolution): about the input's bytes where the patches were
/// kernel-height x kernel-width times them, written by both workers into rows they then shared,
/// with a wait between the gather and the products. The same products in the same order: the same bits.
extension Conv2D {
    /// Whether `run` at bf16 reads `g`'s windows in place (`runBF16Windows`) when its input is stored
    /// as bf16 (`inputBF16`): not a plain 1x1 (whose input already is the GEMM's rows), ungrouped and
    /// undilated, with an even channel count so that every kernel row is whole depth pairs, and
    /// output rows at least a micro-tile wide (the kernel's tiles stop at a row's end: 7-pixel rows
    /// ran half-height tiles, 0.94-0.97x the speed of gathered rows).
    package static func readsWindows(_ g: Conv2DGeometry, inputBF16: Bool) -> Bool {
        let p = g.params
        return inputBF16 && !ConvPlan(g).isPointwise && p.groups == 1 && p.dilations == .one && g.inC % 2 == 0
            && g.outW >= Int(ZOO_BF16_TILE_ROWS)
    }

    /// Floats of scratch `runBF16Windows` needs with `threads` threads: each worker's padded rows.
    static func windowsScratchCount(_ plan: ConvPlan, threads: Int) -> Int {
        let rows = PaddedRows(plan)
        if rows.inPlace { return 0 }
        return workerCount(count: plan.tasks, threads: threads) * rows.bandFloats
    }

    /// The product of `run` at bf16 with the windows read in place (see above). `input` holds bf16 values.
    static func runBF16Windows(_ plan: ConvPlan, input: UnsafePointer<UInt16>, bf16Weights: BF16Weights,
                               output: SharedPointer<Float>, scratch: UnsafeMutablePointer<Float>?, epilogue: Epilogue,
                               threads: Int) {
        let g = plan.g, t = plan.tiling, padded = PaddedRows(plan)
        let c = g.inC, plane = g.outH * g.outW, sh = g.params.strides.h, sw = g.params.strides.w
        precondition(padded.inPlace || scratch != nil,
                     "conv: \(windowsScratchCount(plan, threads: threads)) floats of scratch required, none given")
        let x = SharedConstPointer(input), bands = padded.inPlace ? nil : scratch.map { SharedPointer($0) }
        parallelFor(count: t.tasks, threads: threads) { worker, tasks in
            let band = bands.map {
                UnsafeMutableRawPointer($0.base + worker * padded.bandFloats).assumingMemoryBound(to: UInt16.self)
            }
            var held: (image: Int, rows: Range<Int>)?  // the padded rows in `band`
            for task in tasks {
                let (pixels, cols) = t.block(task)
                var pixel = pixels.lowerBound
                while pixel < pixels.upperBound {  // the task's pixels image by image
                    let n = pixel / plane, end = min(pixels.upperBound, (n + 1) * plane)
                    let firstRow = (pixel % plane) / g.outW, lastRow = ((end - 1) % plane) / g.outW
                    // Where padded row 0 of image n is (`image`), and which of its rows (`row0` on) are there.
                    let image: UnsafePointer<UInt16>, row0: Int
                    if let band {
                        let needed = padded.rows(forOutputRows: firstRow...lastRow)
                        if let held, held.image == n, held.rows.lowerBound <= needed.lowerBound,
                           needed.upperBound <= held.rows.upperBound {
                            row0 = held.rows.lowerBound
                        } else {
                            var shape = padded.shape
                            zoo_bf16_pad_rows(&shape, n, needed.lowerBound, needed.count, x.base, band)
                            held = (n, needed)
                            row0 = needed.lowerBound
                        }
                        image = UnsafePointer(band)
                    } else {
                        (image, row0) = (x.base + n * g.inH * g.inW * c, 0)
                    }
                    let window = image + (firstRow * sh - row0) * padded.rowValues
                    GEMM.block(count: end - pixel, first: pixel % plane, outW: g.outW, cols: cols.count,
                               windows: UnsafeRawPointer(window).assumingMemoryBound(to: UInt32.self), lda: sw * c / 2,
                               rowWords: sh * padded.rowValues / 2, segments: g.params.kernel.h,
                               segmentPairs: g.params.kernel.w * c / 2, segmentWords: padded.rowValues / 2,
                               packed: bf16Weights, output: UnsafeMutableRawPointer(output.base), ldc: g.outC,
                               epilogue: epilogue, row0: pixel, col0: cols.lowerBound)
                    pixel = end
                }
            }
        }
    }
}

/// The padded input rows `runBF16Windows` reads: padded row y is input row y - pad_top, and a row
/// spans the columns the windows of an output row read (`zoo_bf16_padded_width`).
private struct PaddedRows {
    let shape: zoo_im2col_shape
    let g: Conv2DGeometry
    /// No padding, and the windows stay inside the image: they are read from the input itself.
    let inPlace: Bool
    /// bf16 values from one row to the next (of the copy, or of the input when in place).
    let rowValues: Int
    /// Floats of one worker's copy: the most padded rows one row tile's pixels of one image read.
    let bandFloats: Int

    init(_ plan: ConvPlan) {
        g = plan.g
        shape = plan.im2colShape
        var s = shape
        let p = g.params, width = zoo_bf16_padded_width(&s)
        let paddedHeight = (g.outH - 1) * p.strides.h + p.kernel.h
        inPlace = p.padding.isZero && width <= g.inW && paddedHeight <= g.inH
        rowValues = (inPlace ? g.inW : width) * g.inC
        // A tile starting mid-row touches one output row more than its height in rows.
        let outputRows = min(g.outH, ceilDiv(plan.tiling.rowTile, g.outW) + 1)
        let bandRows = min(paddedHeight, (outputRows - 1) * p.strides.h + p.kernel.h)
        bandFloats = inPlace ? 0 : ceilDiv(bandRows * rowValues, 2)
    }

    /// The padded rows the windows of output rows `rows` (of one image) read.
    func rows(forOutputRows rows: ClosedRange<Int>) -> Range<Int> {
        (rows.lowerBound * g.params.strides.h)..<(rows.upperBound * g.params.strides.h + g.params.kernel.h)
    }
}
