import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file mapped read-only into memory. Tensors borrow their bytes from it without a copy;
/// the mapping lives as long as any of them (their storage keeps this object alive).
public final class MappedFile: @unchecked Sendable {
    /// The file mapped.
    public let url: URL
    /// The first byte of the mapping.
    public let bytes: UnsafeRawPointer
    /// The file's size in bytes.
    public let byteCount: Int

    /// Maps the whole file read-only; throws `MappedFileError` when it cannot be opened or mapped.
    public init(url: URL) throws {
        self.url = url
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw MappedFileError(file: url, detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw MappedFileError(file: url, detail: String(cString: strerror(errno))) }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw MappedFileError(file: url, detail: "is a folder, not a file") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw MappedFileError(file: url, detail: "not a regular file") }
        byteCount = Int(info.st_size)
        if byteCount == 0 {
            // mmap refuses empty files; an empty file still maps to "no bytes".
            bytes = UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 64))
            return
        }
        guard let base = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw MappedFileError(file: url, detail: "cannot be mapped: \(String(cString: strerror(errno)))")
        }
        bytes = UnsafeRawPointer(base)
    }

    deinit {
        if byteCount == 0 { UnsafeMutableRawPointer(mutating: bytes).deallocate() } else {
            munmap(UnsafeMutableRawPointer(mutating: bytes), byteCount)
        }
    }

    /// Lets the OS drop the whole pages of `[start, start + count)` from this process's memory:
    /// the mapping is read-only and private, so a later read faults them back in from the file.
    func releaseResidentPages(_ start: UnsafeRawPointer, count: Int) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = (Int(bitPattern: start) + page - 1) / page * page
        let end = (Int(bitPattern: start) + count) / page * page
        guard byteCount > 0, end > first, let address = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(address, end - first, Int32(MADV_DONTNEED))
    }

    /// A tensor whose bytes are `byteCount` bytes of the file from `offset`, without a copy.
    /// Returns nil when that range does not lie inside the file or does not match the shape.
    public func tensor(shape: Shape, dtype: DType, offset: Int) -> Tensor? {
        guard let count = shape.checkedElementCount else { return nil }
        let (size, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, offset >= 0, offset <= byteCount, size <= byteCount - offset else { return nil }
        let storage = TensorStorage(borrowing: bytes + offset, byteCount: size, owner: self)
        return Tensor(shape: shape, dtype: dtype, storage: storage)
    }
}

/// A file that could not be mapped, and why.
public struct MappedFileError: Error, CustomStringConvertible {
    /// The file.
    public let file: URL
    /// Why it could not be mapped.
    public let detail: String
    /// The error in one line, naming the file.
    public var description: String { "\(file.lastPathComponent): \(detail)" }
}
