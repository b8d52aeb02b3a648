import Synchronization
import ZooKernels

/// Weights re-laid out once for a kernel (Winograd's transformed 3x3 weights), by node, shared by
/// every plan of one executor so a second batch size does not build them again.
final class PreparedWeights: Sendable {
    private let winograd = Mutex<[Int: WinogradWeights]>([:])

    func winograd(node: Int, make: () -> WinogradWeights) -> WinogradWeights {
        if let weights = winograd.withLock({ $0[node] }) { return weights }
        let weights = make()
        return winograd.withLock { cache in
            if let existing = cache[node] { return existing }  // another plan built them meanwhile
            cache[node] = weights
            return weights
        }
    }
}
