import Foundation
import Testing
import Zoo
import ZooKernels
import ZooTensor
import ZooVision

/// bfloat16 on the real EfficientNet-Lite0 weights (cached by tools/setup): on the sample photos,
/// the same top-1 class and the same top-5 set as fp32, and logits close to fp32's.
@Suite struct EfficientNetLite0BF16Tests {
    static func model(_ precision: KernelOptions.Precision) throws -> Model {
        do { return try Zoo.load("efficientnet-lite0", options: LoadOptions(precision: precision)) } catch ZooError.weightsNotCached {
            Issue.record("EfficientNet-Lite0 weights are not cached: run tools/setup (or `zoo fetch efficientnet-lite0`)")
            throw ZooError.weightsNotCached(model: "efficientnet-lite0", file: "")
        }
    }

    @Test(.enabled(if: CPUFeatures.avx512BF16, "this CPU has neither AMX-BF16 nor AVX512-BF16: bf16 runs as fp32 here"),
          arguments: EfficientNetLite0Tests.names)
    func bf16KeepsTopOneAndTopFive(name: String) throws {
        let exact = try Self.model(.fp32), rounded = try Self.model(.bf16)
        #expect(rounded.kernels.precision == .bf16 && exact.kernels.precision == .fp32)
        let image = ImageSource.file(EfficientNetLite0Tests.samples.appendingPathComponent(name))
        let input = try exact.preprocess([image])
        let a = try exact.run([exact.inputName: input])["logits"]!.floats
        let b = try rounded.run([rounded.inputName: input])["logits"]!.floats
        let topA = topIndices(5, of: a), topB = topIndices(5, of: b)
        #expect(topA[0] == topB[0], "\(name): bf16 top-1 \(topB[0]), fp32 \(topA[0])")
        #expect(Set(topA) == Set(topB), "\(name): bf16 top-5 \(topB), fp32 \(topA)")
        let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let norm = a.reduce(0.0) { $0 + Double($1) * Double($1) }
        let relative = (difference / norm).squareRoot()
        #expect(relative > 0 && relative < 5e-2, "\(name): bf16 logits relative L2 \(relative) from fp32")
    }
}
