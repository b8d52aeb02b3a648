import CZooKernels

/// A convolution's float32 weights laid out once in the 32-column panels the AVX-512 GEMM streams
/// (zoo_sgemm_pack_panels), for the layers whose weights come from memory at every run: with few
/// output pixels per image each weight is used for few rows, and the per-call copy of row-major
/// weights (256 rows 128 bytes each, a page apart) left the GEMM waiting for memory; and small
/// weights, which each row tile of a large map copied again. Read in place, the next panel
/// requested while this one is multiplied: the same bits, 1.4x for one thread at 49 rows; resnet50's 7x7 stage 6.4 -> 4.8 ms at batch 1 (Zen 5, 2 threads). Weights
/// mapped from a `.zoo` are then let go of (KernelDispatch's `relaidOut`); weights imported into
/// memory (an `.onnx`, a Keras file) stay alongside, a second copy of those layers (resnet50: 91 MB).
package final class FP32Panels: @unchecked Sendable {
    /// Depth of the matrix (the GEMM's K).
    package let depth: Int
    /// Columns of the matrix (the GEMM's N).
    package let columns: Int
    private let values: UnsafeMutablePointer<Float>

    /// Output pixels per image up to which a layer's weights are packed: a 14x14 map. Its 196 rows
    /// gained 5% (resnet50's stage 3: 8.8 -> 8.3 ms; whole models 1-2% at batch 1 and 8, Zen 5); a
    /// `.zoo`'s mapped weights are let go of, but an imported model keeps both copies (resnet50's
    /// stage 3: 28 MB of the 88).
    static let maximumPixelsPerImage = 196

    /// Weights up to this many bytes are packed on any map: each row tile of a large map copied all
    /// of them into panels again (resnet50's 56x56 1x1 layers: 16 tiles, 64 KB of weights, so 1 MB
    /// of copies per layer), and so small a second copy costs little (resnet50: 3 MB for an imported
    /// model, nothing for a `.zoo`). Zen 5, 2 threads, batch 1: resnet50 0.989 (11 rounds), resnet18
    /// 0.990, mobilenet_v2 0.994; resnet50 batch 8 0.992.
    static let maximumSmallWeightBytes = 1 << 20

    /// `weights` is [depth, columns] row-major (HWIO conv weights). Only call where
    /// `CPUFeatures.avx512`.
    package init(weights: UnsafePointer<Float>, depth: Int, columns: Int) {
        precondition(CPUFeatures.avx512, "fp32 panels on a CPU without AVX-512")
        self.depth = depth
        self.columns = columns
        let count = max(zoo_sgemm_panels_count(depth, columns), 1)
        values = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
        zoo_sgemm_pack_panels(depth, columns, weights, columns, values)
    }

    /// Whether a convolution's GEMM reads packed panels with `kernels`: the AVX-512 GEMM at fp32,
    /// ungrouped, through the GEMM (not depthwise, Winograd or the direct kernel), a small map or
    /// small weights.
    package static func pays(for g: Conv2DGeometry, kernels: KernelOptions) -> Bool {
        let weightBytes = g.params.kernel.h * g.params.kernel.w * g.inC * g.outC * MemoryLayout<Float>.size
        return kernels.gemm == .avx512 && kernels.precision == .fp32 && g.params.groups == 1 && !g.isDepthwise
            && (g.outH * g.outW <= maximumPixelsPerImage || weightBytes <= maximumSmallWeightBytes)
            && !WinogradConv2D.applies(to: g, kernels: kernels)
            && !Conv2D.runsDirect(g, kernels: kernels)
    }

    /// The panel holding column `column`, which starts a panel (GEMM tilings cut whole panels).
    func panel(column: Int) -> UnsafePointer<Float> {
        precondition(column % 32 == 0, "fp32 GEMM block starts at column \(column), not a panel")
        return UnsafePointer(values + (column / 32) * depth * 32)
    }

    package var byteCount: Int { zoo_sgemm_panels_count(depth, columns) * 4 }

    deinit { values.deallocate() }
}
