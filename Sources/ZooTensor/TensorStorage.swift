#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes behind a tensor: either owned (allocated here, 64-byte aligned) or borrowed from
/// memory that something else keeps alive, such as a memory-mapped weights file.
/// Borrowed storage is never written through.
package final class TensorStorage: @unchecked Sendable {
    /// Alignment of owned allocations: one cache line, and what AVX-512 loads like.
    package static let alignment = 64

    package let bytes: UnsafeMutableRawPointer
    package let byteCount: Int
    package let isOwned: Bool
    /// Keeps the memory of borrowed storage alive (for example a memory map's owner).
    private let owner: AnyObject?

    /// Allocates `byteCount` zeroed bytes.
    package init(byteCount: Int) {
        let size = max(byteCount, 1)
        bytes = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: Self.alignment)
        bytes.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        self.byteCount = byteCount
        isOwned = true
        owner = nil
    }

    /// Wraps memory that `owner` keeps alive; the storage never frees or writes it.
    package init(borrowing bytes: UnsafeRawPointer, byteCount: Int, owner: AnyObject) {
        self.bytes = UnsafeMutableRawPointer(mutating: bytes)
        self.byteCount = byteCount
        isOwned = false
        self.owner = owner
    }

    /// For bytes borrowed from a mapped file: lets the OS drop them from memory until they are read
    /// again (from the file), once a kernel has copied them into its own layout. Otherwise nothing.
    package func releaseResidentPages() {
        (owner as? MappedFile)?.releaseResidentPages(bytes, count: byteCount)
    }

    deinit {
        if isOwned { bytes.deallocate() }
    }
}
