import CHDF5
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks every global heap collection in a file before libhdf5 may read one.
///
/// Variable-length strings (Keras' `layer_names`, `weight_names`, `keras_version`) live in
/// global heap collections. libhdf5 1.10 trusts the object sizes inside a collection while it
/// loads it: an object of size 0 loops forever and one that runs past the collection reads
/// outside it (h5py hangs or crashes on the same files; tools/fuzz found them). Reading the
/// strings is the only way in, so the collections are walked here first, the way libhdf5 walks
/// them, and a file with a broken one is refused before any attribute is read.
///
/// A collection is recognised by its 8-byte header ("GCOL", version 1, three zero bytes);
/// those bytes by chance inside weights would be checked too, and refused only if what follows
/// does not hold together as a collection.
enum HDF5GlobalHeapCheck {
    static let signature: [UInt8] = Array("GCOL".utf8) + [1, 0, 0, 0]

    /// What is wrong with the first broken collection in `bytes`, or nil when all hold together.
    /// `lengthSize` is the file's "size of lengths" (8 unless the writer chose otherwise).
    static func firstProblem(in bytes: UnsafeRawBufferPointer, lengthSize: Int) -> String? {
        guard let base = bytes.baseAddress, [2, 4, 8].contains(lengthSize) else { return nil }
        var offset = 0
        // memchr finds each "G" at memory speed (memmem is not portable); then the 8 bytes compare.
        while offset < bytes.count, let hit = memchr(base + offset, Int32(signature[0]), bytes.count - offset) {
            let start = base.distance(to: UnsafeRawPointer(hit))
            if start + signature.count <= bytes.count, memcmp(hit, signature, signature.count) == 0,
               let problem = problem(in: bytes, at: start, lengthSize: lengthSize) {
                return "global heap collection at byte \(start) is corrupt: \(problem)"
            }
            offset = start + 1
        }
        return nil
    }

    /// What is wrong with the collection starting at `start`, or nil. Mirrors libhdf5's loader:
    /// a header of signature, version, reserved bytes and collection size, then objects (index,
    /// reference count, reserved, size, data padded to 8 bytes); index 0 is free space whose
    /// size counts its own header; a tail shorter than an object header is free space too.
    static func problem(in bytes: UnsafeRawBufferPointer, at start: Int, lengthSize: Int) -> String? {
        func length(at position: Int) -> Int? {
            guard position + lengthSize <= bytes.count else { return nil }
            var value: UInt64 = 0
            for i in (0..<lengthSize).reversed() { value = value << 8 | UInt64(bytes[position + i]) }
            return value <= UInt64(Int.max) ? Int(value) : nil
        }
        let headerSize = 8 + lengthSize
        let objectHeaderSize = 8 + lengthSize
        guard let size = length(at: start + 8) else { return "header cut off by the end of the file" }
        guard size >= headerSize, size <= bytes.count - start else {
            return "declares \(size) bytes; \(bytes.count - start) remain in the file"
        }
        let end = start + size
        var position = start + headerSize
        while position < end, end - position >= objectHeaderSize {
            let index = Int(bytes[position]) | Int(bytes[position + 1]) << 8
            guard let objectSize = length(at: position + 8) else { return "object header cut off" }
            let need: Int
            if index == 0 {
                need = objectSize
            } else {
                let (padded, overflow) = objectSize.addingReportingOverflow(7)
                guard !overflow else { return "object \(index) declares \(objectSize) bytes" }
                need = objectHeaderSize + padded / 8 * 8
            }
            guard need >= objectHeaderSize, need <= end - position else {
                return "object \(index) at byte \(position) declares \(objectSize) bytes, "
                    + "\(end - position) remain in the collection"
            }
            position += need
        }
        return nil
    }
}

extension HDF5File {
    /// The file's "size of lengths" from its creation properties, or 8 (libhdf5's default)
    /// when the library cannot say. Call holding the session.
    static func lengthSize(of file: hid_t) -> Int {
        let plist = H5Fget_create_plist(file)
        guard plist >= 0 else { return 8 }
        defer { H5Pclose(plist) }
        var addressSize = 0, lengthSize = 0
        guard H5Pget_sizes(plist, &addressSize, &lengthSize) >= 0 else { return 8 }
        return lengthSize
    }
}
