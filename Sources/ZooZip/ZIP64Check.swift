import Foundation

/// Checks the 64-bit sizes and offsets of a zip archive before ZIPFoundation reads it.
///
/// ZIPFoundation 0.9.20 turns ZIP64 offsets into `off_t` and adds sizes to them unchecked, so
/// a value near 2^64 in a ZIP64 record traps the process (tools/fuzz: a .pth whose ZIP64
/// end-of-central-directory record gave a central directory offset past 2^63). torch.save and
/// Python's zipfile write ZIP64 records, so they cannot be refused; instead every 8-byte value
/// in them must be below 2^48 bytes, far beyond any real file and far enough from 2^63 that
/// ZIPFoundation's sums stay in range. Used by every zip reader in zoo, through `ZipArchive` (.pth, .keras, wheels).
///
/// The records are found by signature anywhere in the file, which also covers the ones
/// ZIPFoundation would reach through a corrupt offset; a signature that weights contain by
/// chance is checked too, and refused only if it also carries an absurd value.
enum ZIP64Check {
    static let limit: UInt64 = 1 << 48

    /// `firstProblem(in:)` for the file at `url`, memory-mapped.
    static func problem(inFile url: URL) throws -> String? {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        return data.withUnsafeBytes { firstProblem(in: $0) }
    }

    /// What is wrong with the first record holding an absurd 64-bit value, or nil.
    static func firstProblem(in bytes: UnsafeRawBufferPointer) -> String? {
        guard let base = bytes.baseAddress else { return nil }
        func u16(_ at: Int) -> Int? {
            at >= 0 && at + 2 <= bytes.count ? Int(bytes[at]) | Int(bytes[at + 1]) << 8 : nil
        }
        func u64(_ at: Int) -> UInt64? {
            guard at >= 0, at + 8 <= bytes.count else { return nil }
            return (0..<8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64(bytes[at + $1]) }
        }
        /// The 8-byte values in a record's ZIP64 extra field (id 1): sizes, then the header offset.
        func extraValues(from start: Int, length: Int) -> [(UInt64, Int)] {
            var values: [(UInt64, Int)] = []
            var position = start
            while let id = u16(position), let size = u16(position + 2), position + 4 + size <= min(start + length, bytes.count) {
                if id == 1 {
                    for field in stride(from: position + 4, through: position + 4 + size - 8, by: 8) {
                        if let value = u64(field) { values.append((value, field)) }
                    }
                }
                position += 4 + size
            }
            return values
        }

        var offset = 0
        // memchr finds each "P" at memory speed; then the signature is compared.
        while offset < bytes.count, let hit = memchr(base + offset, 0x50, bytes.count - offset) {
            let at = base.distance(to: UnsafeRawPointer(hit))
            offset = at + 1
            guard at + 4 <= bytes.count, bytes[at + 1] == 0x4B else { continue }
            var values: [(UInt64, Int)] = []
            let what: String
            switch (bytes[at + 2], bytes[at + 3]) {
            case (1, 2):  // central directory header: name and extra lengths at 28, 30; name at 46
                guard let name = u16(at + 28), let extra = u16(at + 30) else { continue }
                values = extraValues(from: at + 46 + name, length: extra)
                what = "central directory entry"
            case (3, 4):  // local file header: name and extra lengths at 26, 28; name at 30
                guard let name = u16(at + 26), let extra = u16(at + 28) else { continue }
                values = extraValues(from: at + 30 + name, length: extra)
                what = "local file header"
            case (6, 6):  // ZIP64 end of central directory: record size, then counts, size, offset
                for field in [4, 24, 32, 40, 48] { if let v = u64(at + field) { values.append((v, at + field)) } }
                what = "ZIP64 end-of-central-directory record"
            case (6, 7):  // ZIP64 locator: offset of the record above
                if let v = u64(at + 8) { values.append((v, at + 8)) }
                what = "ZIP64 locator"
            default:
                continue
            }
            if let (value, field) = values.first(where: { $0.0 >= limit }) {
                return "\(what) at byte \(at) gives \(value) at byte \(field), an impossible size or offset"
            }
        }
        return nil
    }
}
