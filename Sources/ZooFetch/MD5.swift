import Foundation

/// MD5 (RFC 1321), streaming. Not for security: only to check files against the md5 their
/// publisher gives (Keras passes one to `get_file` for its application weights).
public struct MD5: BlockHash {
    private var state: (UInt32, UInt32, UInt32, UInt32) = (0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476)
    var pending: [UInt8] = []
    var length: UInt64 = 0

    /// Per-step left rotations, four per round.
    private static let shifts: [UInt32] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21]

    /// floor(abs(sin(i + 1)) * 2^32), RFC 1321's table T.
    private static let k: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }

    /// A hasher that has read nothing yet.
    public init() {}

    static let lengthIsBigEndian = false
    var stateHex: String {
        [state.0, state.1, state.2, state.3].flatMap { word in (0..<4).map { String(format: "%02x", (word >> (8 * $0)) & 0xff) } }.joined()
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) { absorb(bytes) }
    /// Reads more bytes.
    public mutating func update(_ data: Data) { data.withUnsafeBytes { absorb($0) } }
    /// The digest as lowercase hex; the hash is spent afterwards.
    public mutating func finalizeHex() -> String { finish() }
    /// The MD5 of `data` in lowercase hex.
    public static func hex(of data: Data) -> String { digest(of: data) }
    /// Hashes a file in 4 MiB chunks, so a 500 MB weights file never sits in memory whole.
    public static func hex(ofFile url: URL) throws -> String { try digest(ofFile: url) }

    /// One 64-byte block: RFC 1321's four rounds of sixteen steps.
    mutating func compress(_ block: UnsafeRawBufferPointer) {
        var (a, b, c, d) = state
        Self.k.withUnsafeBufferPointer { k in
            Self.shifts.withUnsafeBufferPointer { shifts in
                for i in 0..<64 {
                    let f: UInt32
                    let g: Int
                    switch i >> 4 {
                    case 0: f = (b & c) | (~b & d); g = i
                    case 1: f = (d & b) | (~d & c); g = (5 &* i &+ 1) & 15
                    case 2: f = b ^ c ^ d; g = (3 &* i &+ 5) & 15
                    default: f = c ^ (b | ~d); g = (7 &* i) & 15
                    }
                    let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * g, as: UInt32.self))
                    let sum = a &+ f &+ k[i] &+ word
                    (a, d, c) = (d, c, b)
                    b = b &+ sum.rotatedLeft(shifts[(i >> 4) << 2 | (i & 3)])
                }
            }
        }
        state = (state.0 &+ a, state.1 &+ b, state.2 &+ c, state.3 &+ d)
    }
}

private extension UInt32 {
    @inline(__always) func rotatedLeft(_ n: UInt32) -> UInt32 { (self &<< n) | (self &>> (32 &- n)) }
}
