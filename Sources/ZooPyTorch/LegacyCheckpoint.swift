import Foundation

/// The stream layout of `torch.save` before the zip format (torchvision's oldest weights):
/// pickles of the magic number, the protocol version, sys-info and the state dict, a pickle
/// of the storage keys in write order, then each storage as an 8-byte element count and its bytes.
enum LegacyCheckpoint {
    /// 0x1950a86a20f9469cfc6c, little-endian, as pickled by LONG1.
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]
    static let protocolVersion = 1001

    static func read(data: Data) throws -> (PickleValue, StorageSource) {
        let bytes = [UInt8](data)
        var reader = PickleReader(bytes: bytes)
        guard case .wideInt(let magicBytes) = try reader.read(), magicBytes == magic else {
            throw CheckpointError("a pickle without torch's magic number: not a torch.save file")
        }
        guard case .int(protocolVersion) = try reader.read() else { throw CheckpointError("unsupported legacy protocol version") }
        if case .dict(let info) = try reader.read(), case .bool(false)? = info.value(forKey: "little_endian") {
            throw CheckpointError("written on a big-endian machine, which is not supported")
        }
        let root = try reader.read()
        guard case .list(let keyList) = try reader.read() else { throw CheckpointError("storage key list missing") }

        var references: [String: StorageReference] = [:]
        StorageSource.references(in: root, into: &references)
        var source = StorageSource(bytes: [:])
        var position = reader.position
        for item in keyList.items {
            guard case .string(let key) = item, let ref = references[key] else {
                throw CheckpointError("storage key list names a storage the state dict does not use")
            }
            guard let dtype = StorageSource.dtype(ofStorage: ref.storageType) else {
                throw CheckpointError("unsupported storage type \(ref.storageType)")
            }
            guard bytes.count - position >= 8 else { throw CheckpointError("truncated: storage '\(key)' is missing") }
            let count = bytes[position..<(position + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            position += 8
            let (size, overflow) = Int(clamping: count).multipliedReportingOverflow(by: dtype.byteSize)
            guard count == UInt64(ref.elementCount), !overflow, size <= bytes.count - position else {
                throw CheckpointError("truncated: storage '\(key)' needs \(count) elements of \(dtype)")
            }
            source.bytes[key] = data.subdata(in: position..<(position + size))
            position += size
        }
        return (root, source)
    }
}
