import CZooKernels

extension Conv2D {
    /// Whether `runMaxPooled` computes convolution `g` followed by the max pool `pool`: a direct
    /// kernel's first layer without a residual (ResNet's 7x7 stem and its 3x3 stride-2 pool).
    package static func poolsAfterDirect(_ g: Conv2DGeometry, pool: Pool2DParams, kernels: KernelOptions) -> Bool {
        directPath(g, kernels: kernels) != nil && pool.kind == .max && pool.dilations == .one
            && pool.kernel.h >= pool.strides.h
    }

    /// Whether `runMaxPooled` may write its output as bf16 (`BF16Activations.storable`; the direct
    /// kernel fuses only clamps). The pooled maximum is rounded as the next GEMM would round it, so
    /// the next layer's bits do not change.
    package static func maxPooledStoresBF16(_ g: Conv2DGeometry, kernels: KernelOptions) -> Bool {
        BF16Activations.storable(outChannels: g.outC, activation: g.params.activation, kernels: kernels)
    }

    /// Floats of scratch `runMaxPooled` needs: the direct kernel's, and each worker's held
    /// convolution rows.
    package static func maxPooledScratchCount(_ g: Conv2DGeometry, pool: Pool2DParams, threads: Int) -> Int {
        let workers = workerCount(count: g.batch * pool.outputSize(inH: g.outH, inW: g.outW).h, threads: threads)
        return DirectKernel.scratchCount(ConvPlan(g), workers: workers, perWorker: PooledRows(g, pool).held * g.outW * g.outC)
    }

    /// The convolution `g` (weights HWIO, `bias`, its activation) then the max pool, output[N, PH, PW,
    /// C] the pool's: the convolution rows a few pooled rows read are computed into the worker's
    /// scratch and pooled from there, so the convolution's output (ResNet's: 3.2 MB per image) is
    /// never written to memory and read back. The same bits as the two run one after the other.
    /// With `activations.output` (where `maxPooledStoresBF16`) the output is written as bf16.
    package static func runMaxPooled(_ g: Conv2DGeometry, pool: Pool2DParams, input: UnsafePointer<Float>,
                                     weights: UnsafePointer<Float>, bf16Weights: BF16Weights?, bias: UnsafePointer<Float>?,
                                     output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>,
                                     activations: BF16Activations = .none, threads: Int, kernels: KernelOptions) {
        guard let path = directPath(g, kernels: kernels) else { preconditionFailure("conv + max pool: no direct kernel for \(g)") }
        precondition(!activations.input && !activations.residual && (!activations.output || maxPooledStoresBF16(g, kernels: kernels)),
                     "conv + max pool: only its output may be bf16, at bf16 on AVX512-BF16")
        let epilogue = Epilogue(bias: bias, residual: nil, ldr: g.outC, activation: g.params.activation)
        let (poolH, poolW) = pool.outputSize(inH: g.outH, inW: g.outW)
        let rows = PooledRows(g, pool), rowFloats = g.outW * g.outC
        let kernel = DirectKernel(ConvPlan(g), path: path, weights: weights, bf16Weights: bf16Weights, kernels: kernels,
                                  scratch: scratch, perWorker: rows.held * rowFloats)
        let x = SharedConstPointer(input), y = SharedPointer(output), storesBF16 = activations.output
        parallelFor(count: g.batch * poolH, threads: threads) { worker, range in
            var fused = epilogue.fusable(row0: 0, col0: 0)
            var held = HeldRows(base: kernel.extra(worker: worker), rowFloats: rowFloats)
            var py = range.lowerBound
            while py < range.upperBound {
                let n = py / poolH, first = py % poolH
                let count = min(rows.pooled, poolH - first, range.upperBound - py)
                let needed = rows.convolutionRows(first..<(first + count))
                let computed = held.hold(needed, of: n)
                if !computed.isEmpty {
                    let pixel0 = (n * g.outH + computed.lowerBound) * g.outW
                    kernel.run(pixel0: pixel0, count: computed.count * g.outW, input: x.base,
                               output: held.pointer(to: computed.lowerBound), epilogue: &fused, worker: worker)
                }
                for oy in first..<(first + count) {
                    let window = rows.window(oy), row0 = window.start + window.valid.lowerBound - needed.lowerBound
                    for ox in 0..<poolW {
                        let cols = PoolWindow(out: ox, kernel: pool.kernel.w, stride: pool.strides.w, dilation: 1,
                                              padBegin: pool.padding.left, padEnd: pool.padding.right, input: g.outW)
                        let at = ((n * poolH + oy) * poolW + ox) * g.outC, col0 = cols.start + cols.valid.lowerBound
                        if storesBF16 {
                            zoo_max_window_bf16(held.base, g.outW, g.outC, row0, window.valid.count, col0, cols.valid.count,
                                                UnsafeMutableRawPointer(y.base).assumingMemoryBound(to: UInt16.self) + at)
                        } else {
                            zoo_max_window(held.base, g.outW, g.outC, row0, window.valid.count, col0, cols.valid.count, y.base + at)
                        }
                    }
                }
                py += count
            }
        }
    }
}

/// How `runMaxPooled` cuts the pool's output rows: chunks of `pooled` rows, whose convolution rows
/// (at most `held`) stay within about 256 KB, in L2.
private struct PooledRows {
    let g: Conv2DGeometry
    let pool: Pool2DParams
    let pooled, held: Int

    init(_ g: Conv2DGeometry, _ pool: Pool2DParams) {
        self.g = g
        self.pool = pool
        let fit = (256 << 10) / 4 / max(g.outW * g.outC, 1)
        pooled = max(1, (fit - pool.kernel.h) / max(pool.strides.h, 1) + 1)
        held = (pooled - 1) * pool.strides.h + pool.kernel.h
    }

    /// Pooled row `oy`'s window over the convolution's rows.
    func window(_ oy: Int) -> PoolWindow {
        PoolWindow(out: oy, kernel: pool.kernel.h, stride: pool.strides.h, dilation: 1, padBegin: pool.padding.top,
                   padEnd: pool.padding.bottom, input: g.outH)
    }

    /// The convolution rows pooled rows `rows` read (inside the convolution's output).
    func convolutionRows(_ rows: Range<Int>) -> Range<Int> {
        var lower = g.outH, upper = 0
        for oy in [rows.lowerBound, rows.upperBound - 1] {
            let w = window(oy)
            guard !w.valid.isEmpty else { continue }
            lower = min(lower, w.start + w.valid.lowerBound)
            upper = max(upper, w.start + w.valid.upperBound)
        }
        return lower < upper ? lower..<upper : 0..<0
    }
}
