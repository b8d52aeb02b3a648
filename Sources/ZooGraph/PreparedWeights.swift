import Synchronization
import ZooKernels
import ZooTensor

/// Weights re-laid out once for a kernel (Winograd's transformed 3x3 weights, bf16 GEMM panels,
/// float32 GEMM panels, float32 weights unpacked from bf16 panels a `.zoo --bf16` file stores),
/// by node, shared by every plan of one executor so a second batch size does not build them again.
/// Each is made by the first run that reads it, not when a plan is made: `zoo info`, plan-budget
/// checks and a model loaded but never run do not pay for them.
final class PreparedWeights: Sendable {
    private let winograd = Mutex<[Int: PreparedWeight<WinogradWeights>]>([:])
    private let bf16 = Mutex<[Int: PreparedWeight<BF16Weights>]>([:])
    private let float32 = Mutex<[Int: PreparedWeight<Tensor>]>([:])
    private let fp32Panels = Mutex<[Int: PreparedWeight<FP32Panels>]>([:])

    func winograd(node: Int, make: @escaping @Sendable () -> WinogradWeights) -> PreparedWeight<WinogradWeights> {
        Self.entry(node, in: winograd, make: make)
    }

    func bf16(node: Int, make: @escaping @Sendable () -> BF16Weights) -> PreparedWeight<BF16Weights> {
        Self.entry(node, in: bf16, make: make)
    }

    func float32(node: Int, make: @escaping @Sendable () -> Tensor) -> PreparedWeight<Tensor> {
        Self.entry(node, in: float32, make: make)
    }

    func fp32Panels(node: Int, make: @escaping @Sendable () -> FP32Panels) -> PreparedWeight<FP32Panels> {
        Self.entry(node, in: fp32Panels, make: make)
    }

    private static func entry<W: Sendable>(_ node: Int, in cache: borrowing Mutex<[Int: PreparedWeight<W>]>,
                                           make: @escaping @Sendable () -> W) -> PreparedWeight<W> {
        cache.withLock { cache in
            if let existing = cache[node] { return existing }
            let entry = PreparedWeight(make: make)
            cache[node] = entry
            return entry
        }
    }

    /// How many nodes' weights have been made so far.
    var madeCount: Int {
        winograd.withLock { $0.values.count(where: \.isMade) } + bf16.withLock { $0.values.count(where: \.isMade) }
            + float32.withLock { $0.values.count(where: \.isMade) } + fp32Panels.withLock { $0.values.count(where: \.isMade) }
    }
}

/// One node's prepared weights, made on first use. Concurrent first runs wait for the one making them.
final class PreparedWeight<W: Sendable>: Sendable {
    private let make: @Sendable () -> W
    private let made = Mutex<W?>(nil)

    init(make: @escaping @Sendable () -> W) { self.make = make }

    var isMade: Bool { made.withLock { $0 != nil } }

    var weights: W {
        made.withLock { made in
            if let weights = made { return weights }
            let weights = make()
            made = weights
            return weights
        }
    }
}
