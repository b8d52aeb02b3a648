import Testing
@testable import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// The default kernels at `precision` (bf16 only where this CPU has it).
func kernelsAt(_ precision: KernelOptions.Precision) -> KernelOptions {
    var kernels = KernelOptions.default
    kernels.precision = precision
    return kernels.runnable
}

/// A plan whose steps join nodes (`fused`) against the same graph run node by node (`separate`), on
/// images of shape `image` ([1, H, W, C]): the same output bits for a batch of three, in its first
/// run and once every weight is made, and an image alone the bits it has in the batch.
func expectSameBitsAsNodeByNode(fused: Executor, separate: Executor, image: [Int], output: String = "logits") throws {
    var f = TensorFactory(seed: 2)
    let batch = f.uniform(Shape([3] + image.dropFirst()))
    for run in 0..<2 {
        let a = try fused.run(["x": batch])[output]!.floats
        let b = try separate.run(["x": batch])[output]!.floats
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern), "run \(run)")
    }
    let imageCount = image.reduce(1, *)
    let one = Tensor(shape: Shape(image), floats: Array(batch.floats[..<imageCount]))
    let alone = try fused.run(["x": one])[output]!.floats
    let together = try fused.run(["x": batch])[output]!.floats
    #expect(alone.map(\.bitPattern) == Array(together[..<alone.count]).map(\.bitPattern), "batched and alone")
}
