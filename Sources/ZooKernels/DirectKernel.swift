import CZooKernels

/// One call of a direct first-layer kernel (zoo_conv_direct.h) on a convolution: at bf16 its
/// weights packed into the front of the scratch (a few KB, per call), then each worker's rows.
/// Shared by `Conv2D.run` and `Conv2D.runMaxPooled`.
struct DirectKernel: @unchecked Sendable {
    let path: Conv2D.DirectPath
    private let shape: zoo_im2col_shape
    private let outC: Int
    private let weights: UnsafePointer<Float>
    private let packed: UnsafePointer<UInt32>
    private let rows: UnsafeMutablePointer<Float>  // worker 0's rows
    private let rowsFloats, workerFloats: Int  // a worker's rows, and its whole part

    /// Floats of scratch a call with `workers` workers needs, with either kernel: the bf16 kernel's
    /// packed weights, then each worker's rows (the larger kernel's), then `perWorker` more each.
    static func scratchCount(_ plan: ConvPlan, workers: Int, perWorker: Int = 0) -> Int {
        var shape = plan.im2colShape
        return zoo_conv_direct_bf16_weights_count(&shape, plan.g.outC) + workers * (rowsCount(&shape) + perWorker)
    }

    /// Floats of either kernel's rows for one worker.
    private static func rowsCount(_ shape: inout zoo_im2col_shape) -> Int {
        max(zoo_conv_direct_scratch(&shape), zoo_conv_direct_bf16_scratch(&shape))
    }

    /// `weights` are HWIO float32; at bf16 the bf16 ones are read instead, widened (a `--bf16` file
    /// gives the bits of its fp32 source), which the float32 kernel multiplies with the image
    /// unrounded and the bf16 kernel packs. `scratch` holds `scratchCount` with the same
    /// `perWorker`, each worker's `perWorker` floats at `extra(worker:)`.
    init(_ plan: ConvPlan, path: Conv2D.DirectPath, weights: UnsafePointer<Float>, bf16Weights: BF16Weights?,
         kernels: KernelOptions, scratch: UnsafeMutablePointer<Float>, perWorker: Int = 0) {
        self.path = path
        var shape = plan.im2colShape
        self.shape = shape
        outC = plan.g.outC
        let weights = kernels.precision == .bf16 ? bf16Weights?.roundedFloat32() ?? weights : weights
        self.weights = weights
        let packedCount = zoo_conv_direct_bf16_weights_count(&shape, outC)
        let packed = UnsafeMutableRawPointer(scratch).bindMemory(to: UInt32.self, capacity: max(packedCount, 1))
        if path == .bf16 { zoo_conv_direct_bf16_pack(&shape, outC, weights, packed) }
        self.packed = UnsafePointer(packed)
        rows = scratch + packedCount
        rowsFloats = Self.rowsCount(&shape)
        workerFloats = rowsFloats + perWorker
    }

    /// Worker `worker`'s `perWorker` floats of scratch beyond its rows.
    func extra(worker: Int) -> UnsafeMutablePointer<Float> { rows + worker * workerFloats + rowsFloats }

    /// Output pixels [pixel0, pixel0 + count) into `output` (pixel0's row), with worker `worker`'s rows.
    func run(pixel0: Int, count: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
             epilogue: inout zoo_epilogue, worker: Int) {
        var shape = shape
        let scratch = rows + worker * workerFloats
        switch path {
        case .float32: zoo_conv_direct(&shape, outC, pixel0, count, input, weights, output, &epilogue, scratch)
        case .bf16: zoo_conv_direct_bf16(&shape, outC, pixel0, count, input, packed, output, &epilogue, scratch)
        }
    }
}
