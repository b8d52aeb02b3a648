#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stand-in weights for describing a network (`zoo info`) from its architecture alone, without
/// its weights file and without allocating its size: every kernel borrows the same read-only
/// anonymous mapping of zeros, which the kernel backs with its shared zero page (nothing writes
/// it: borrowed storage is copied before any write). Vectors (biases, batch-norm parameters)
/// are small and hold ones instead, so they count as the layer's own parameters: an all-zero
/// bias is what the importers put in for a layer that has none.
public final class PlaceholderWeights: @unchecked Sendable {
    private let zeros: UnsafeMutableRawPointer
    private let byteCount: Int

    /// Maps `byteCount` bytes of zeros: at least the largest tensor that will be asked for.
    /// Nil when the system refuses the mapping.
    public init?(byteCount: Int) {
        let size = max(byteCount, 1)
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), mapped != MAP_FAILED else {
            return nil
        }
        zeros = mapped
        self.byteCount = size
    }

    /// A float32 stand-in of `shape`: ones for a vector, else zeros borrowing the mapping; nil
    /// when it would not fit in the mapping.
    public func tensor(_ shape: Shape) -> Tensor? {
        guard let count = shape.checkedElementCount else { return nil }
        if shape.rank <= 1 { return Tensor(shape: shape, floats: [Float](repeating: 1, count: count)) }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: DType.float32.byteSize)
        guard !overflow, bytes <= byteCount else { return nil }
        return Tensor(shape: shape, dtype: .float32, storage: TensorStorage(borrowing: zeros, byteCount: bytes, owner: self))
    }

    deinit {
        munmap(zeros, byteCount)
    }
}
