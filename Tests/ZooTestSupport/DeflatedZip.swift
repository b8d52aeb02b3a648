import Foundation

/// Zip archives with deflated entries whose compressed bytes the test supplies (for zip bombs),
/// beside stored ones. CRCs of deflated entries are written as 0: the readers must refuse a
/// bomb from its headers, before inflating (and so before any CRC could be checked).
public struct DeflatedZip {
    private var local = Data()
    private var central = Data()
    private var count = 0

    public init() {}

    public mutating func addStored(_ path: String, _ data: Data) {
        add(path, method: 0, crc: StoredZip.crc32(data), payload: data, uncompressedSize: UInt64(data.count))
    }

    public mutating func addDeflated(_ path: String, compressed: Data, uncompressedSize: UInt64) {
        add(path, method: 8, crc: 0, payload: compressed, uncompressedSize: uncompressedSize)
    }

    private mutating func add(_ path: String, method: UInt16, crc: UInt32, payload: Data, uncompressedSize: UInt64) {
        let name = Data(path.utf8)
        let offset = UInt32(local.count)
        local.le32(0x0403_4b50); local.le16(20); local.le16(0x0800); local.le16(method); local.le16(0); local.le16(0x21)
        local.le32(crc); local.le32(UInt32(payload.count)); local.le32(UInt32(uncompressedSize))
        local.le16(UInt16(name.count)); local.le16(0)
        local.append(name); local.append(payload)
        central.le32(0x0201_4b50); central.le16(0x031e); central.le16(20); central.le16(0x0800); central.le16(method)
        central.le16(0); central.le16(0x21)
        central.le32(crc); central.le32(UInt32(payload.count)); central.le32(UInt32(uncompressedSize))
        central.le16(UInt16(name.count)); central.le16(0); central.le16(0); central.le16(0); central.le16(0)
        central.le32(UInt32(0o100644) << 16); central.le32(offset)
        central.append(name)
        count += 1
    }

    public func archive() -> Data {
        var out = local
        out.append(central)
        out.le32(0x0605_4b50); out.le16(0); out.le16(0)
        out.le16(UInt16(count)); out.le16(UInt16(count))
        out.le32(UInt32(central.count)); out.le32(UInt32(local.count)); out.le16(0)
        return out
    }

    /// A raw deflate stream of `count` zero bytes (a multiple of 2064 plus one): one final block
    /// with fixed Huffman codes, a literal 0, then copies of 258 bytes at distance 1, eight to
    /// every 13 bytes of output so the pattern repeats byte-aligned.
    public static func deflatedZeros(count: Int) -> Data {
        var bits = BitWriter()
        bits.write(1, count: 1)                 // BFINAL
        bits.write(1, count: 2)                 // BTYPE 01: fixed Huffman
        bits.writeCode(0x30, length: 8)         // literal 0
        var remaining = count - 1
        // Lead-in until the bit position is a multiple of 8, so the 13-byte group can be repeated.
        while bits.bitCount % 8 != 0 && remaining >= 258 { bits.copy258(); remaining -= 258 }
        let group: Data = {
            var g = BitWriter()
            for _ in 0..<8 { g.copy258() }
            return g.bytes
        }()
        var out = bits.bytes
        let groups = remaining / (8 * 258)
        out.reserveCapacity(out.count + groups * group.count + 64)
        for _ in 0..<groups { out.append(group) }
        remaining -= groups * 8 * 258
        var tail = BitWriter()
        while remaining >= 258 { tail.copy258(); remaining -= 258 }
        for _ in 0..<remaining { tail.writeCode(0x30, length: 8) }
        tail.writeCode(0, length: 7)            // end of block
        out.append(tail.bytes)
        return out
    }
}

/// Deflate's bit order: values least-significant bit first, Huffman codes most-significant first.
private struct BitWriter {
    var bytes = Data()
    var bitCount = 0

    mutating func write(_ value: Int, count: Int) {
        for i in 0..<count { push((value >> i) & 1) }
    }

    mutating func writeCode(_ code: Int, length: Int) {
        for i in stride(from: length - 1, through: 0, by: -1) { push((code >> i) & 1) }
    }

    /// Length 258 (code 285: 11000101, no extra bits), distance 1 (code 0: 00000).
    mutating func copy258() {
        writeCode(0b1100_0101, length: 8)
        writeCode(0, length: 5)
    }

    private mutating func push(_ bit: Int) {
        if bitCount % 8 == 0 { bytes.append(0) }
        if bit == 1 { bytes[bytes.count - 1] |= UInt8(1 << (bitCount % 8)) }
        bitCount += 1
    }
}
