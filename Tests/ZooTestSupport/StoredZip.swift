import Foundation

/// Writes small zip archives with uncompressed ("stored") entries, to craft wheels, `.keras`
/// and `.pth` files, including hostile ones (duplicate names, names with `..`, wrong CRCs),
/// without a zip library or Python.
public struct StoredZip {
    public struct Entry {
        public var path: String
        public var data: Data
        /// Stores a CRC that does not match `data`.
        public var corruptCRC = false
    }

    public var entries: [Entry] = []

    public init() {}

    public mutating func add(_ path: String, _ data: Data, corruptCRC: Bool = false) {
        entries.append(Entry(path: path, data: data, corruptCRC: corruptCRC))
    }

    public func write(to url: URL) throws {
        try archive().write(to: url)
    }

    /// The whole archive's bytes.
    public func archive() -> Data {
        var out = Data()
        var central = Data()
        for entry in entries {
            let name = Data(entry.path.utf8)
            let crc = Self.crc32(entry.data) ^ (entry.corruptCRC ? 0xdead_beef : 0)
            let offset = UInt32(out.count)
            // Local file header: version 2.0, UTF-8 names, stored, 1980-01-01.
            out.le32(0x0403_4b50); out.le16(20); out.le16(0x0800); out.le16(0); out.le16(0); out.le16(0x21)
            out.le32(crc); out.le32(UInt32(entry.data.count)); out.le32(UInt32(entry.data.count))
            out.le16(UInt16(name.count)); out.le16(0)
            out.append(name); out.append(entry.data)
            // Central directory header, made on Unix with mode 0644.
            central.le32(0x0201_4b50); central.le16(0x031e); central.le16(20); central.le16(0x0800); central.le16(0)
            central.le16(0); central.le16(0x21)
            central.le32(crc); central.le32(UInt32(entry.data.count)); central.le32(UInt32(entry.data.count))
            central.le16(UInt16(name.count)); central.le16(0); central.le16(0); central.le16(0); central.le16(0)
            central.le32(UInt32(0o100644) << 16); central.le32(offset)
            central.append(name)
        }
        let centralOffset = UInt32(out.count)
        out.append(central)
        out.le32(0x0605_4b50); out.le16(0); out.le16(0)
        out.le16(UInt16(entries.count)); out.le16(UInt16(entries.count))
        out.le32(UInt32(central.count)); out.le32(centralOffset); out.le16(0)
        return out
    }

    public static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

extension Data {
    /// Appends `v` little-endian (zip headers).
    mutating func le16(_ v: UInt16) { append(contentsOf: [UInt8(v & 0xff), UInt8(v >> 8)]) }
    mutating func le32(_ v: UInt32) { for i in 0..<4 { append(UInt8((v >> (8 * UInt32(i))) & 0xff)) } }
}
