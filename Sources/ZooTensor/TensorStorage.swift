#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes behind a tensor: either owned (allocated here, 64-byte aligned) or borrowed from
/// memory that something else keeps alive, such as a memory-mapped weights file.
/// Borrowed storage is never written through.
public final class TensorStorage: @unchecked Sendable {
    /// Alignment of owned allocations: one cache line, and what AVX-512 loads like.
    public static let alignment = 64

    public let bytes: UnsafeMutableRawPointer
    public let byteCount: Int
    public let isOwned: Bool
    /// Keeps the memory of borrowed storage alive (for example a memory map's owner).
    private let owner: AnyObject?

    /// Allocates `byteCount` zeroed bytes.
    public init(byteCount: Int) {
        let size = max(byteCount, 1)
        bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        isOwned = true
        owner = nil
    }

    /// Wraps memory that `owner` keeps alive; the storage never frees or writes it.
    public init(borrowing bytes: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.bytes = UnsafeMutableRawPointer(mutating: bytes)
        self.byteCount = byteCount
        isOwned = false
        self.owner = owner
    }

    deinit {
        if isOwned { bytes.deallocate() }
    }
}
