import Foundation

/// What MD5 and SHA-256 share: both eat 64-byte blocks, buffer the tail between updates, and
/// finish by padding with 0x80, zeros and the bit length. Each supplies only its block step,
/// the length's byte order and how its state reads out.
protocol BlockHash {
    init()
    /// Bytes received but not yet a whole block, and the total count so far.
    var pending: [UInt8] { get set }
    var length: UInt64 { get set }
    /// MD5 appends the bit length little-endian, SHA-256 big-endian.
    static var lengthIsBigEndian: Bool { get }
    mutating func compress(_ block: UnsafeRawBufferPointer)
    /// The state as lowercase hex, once the padding has been compressed.
    var stateHex: String { get }
}

extension BlockHash {
    mutating func absorb(_ bytes: UnsafeRawBufferPointer) {
        length &+= UInt64(bytes.count)
        var index = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            index = take
            if pending.count == 64 {
                let block = pending
                block.withUnsafeBytes { compress($0) }
                pending.removeAll(keepingCapacity: true)
            }
        }
        while bytes.count - index >= 64 {
            compress(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + 64)]))
            index += 64
        }
        if index < bytes.count { pending.append(contentsOf: bytes[index...]) }
    }

    /// The digest as lowercase hex.
    mutating func finish() -> String {
        let bitLength = length &* 8
        var tail: [UInt8] = [0x80]
        tail += [UInt8](repeating: 0, count: (55 &- pending.count &+ 64) % 64)
        tail += (0..<8).map { i in
            UInt8(truncatingIfNeeded: bitLength >> (8 * UInt64(Self.lengthIsBigEndian ? 7 - i : i)))
        }
        tail.withUnsafeBytes { absorb($0) }
        return stateHex
    }

    static func digest(of data: Data) -> String {
        var h = Self()
        data.withUnsafeBytes { h.absorb($0) }
        return h.finish()
    }

    /// Hashes a file in 4 MiB chunks, so a 500 MB weights file never sits in memory whole.
    static func digest(ofFile url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var h = Self()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { chunk.withUnsafeBytes { h.absorb($0) } }
        return h.finish()
    }
}
