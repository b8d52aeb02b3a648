import Synchronization
import ZooKernels

/// Weights re-laid out once for a kernel (Winograd's transformed 3x3 weights, bf16 GEMM panels),
/// by node, shared by every plan of one executor so a second batch size does not build them again.
final class PreparedWeights: Sendable {
    private let winograd = Mutex<[Int: WinogradWeights]>([:])
    private let bf16 = Mutex<[Int: BF16Weights]>([:])

    func winograd(node: Int, make: () -> WinogradWeights) -> WinogradWeights {
        Self.cached(node, in: winograd, make: make)
    }

    func bf16(node: Int, make: () -> BF16Weights) -> BF16Weights {
        Self.cached(node, in: bf16, make: make)
    }

    private static func cached<W: Sendable>(_ node: Int, in cache: borrowing Mutex<[Int: W]>, make: () -> W) -> W {
        if let weights = cache.withLock({ $0[node] }) { return weights }
        let weights = make()
        return cache.withLock { cache in
            if let existing = cache[node] { return existing }  // another plan built them meanwhile
            cache[node] = weights
            return weights
        }
    }
}
