import Foundation

/// A hash a weight source may name its file by: our own sha256, or the md5 a publisher gives
/// (Keras passes one to `get_file` for its application weights).
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    case sha256
    case md5

    /// Digest length in hex digits.
    public var hexDigits: Int {
        switch self {
        case .sha256: 64
        case .md5: 32
        }
    }
}

/// Hashes bytes once with every algorithm a source names, and checks the digests against it.
struct Checksums {
    private var sha256: SHA256?
    private var md5: MD5?

    /// Hashers for the digests `source` gives.
    init(for source: WeightSource) {
        sha256 = source.sha256 == nil ? nil : SHA256()
        md5 = source.md5 == nil ? nil : MD5()
    }

    mutating func update(_ data: Data) {
        sha256?.update(data)
        md5?.update(data)
    }

    /// The first digest that differs from `source`'s, sha256 before md5; nil when all match.
    /// Finalises the hashers: call once.
    mutating func mismatch(against source: WeightSource) -> FetchError.Problem? {
        let found: [(HashAlgorithm, String?)] = [(.sha256, sha256?.finalizeHex()), (.md5, md5?.finalizeHex())]
        for (algorithm, digest) in found {
            guard let expected = source.digest(algorithm) else { continue }
            if digest != expected {
                return .hashMismatch(algorithm: algorithm, found: digest ?? "not computed", expected: expected)
            }
        }
        return nil
    }

    /// Hashes the file at `url` in 4 MiB chunks (never whole in memory) and returns the first
    /// digest that differs from `source`'s, or nil.
    static func mismatch(ofFile url: URL, against source: WeightSource) throws -> FetchError.Problem? {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var checksums = Checksums(for: source)
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { checksums.update(chunk) }
        return checksums.mismatch(against: source)
    }
}
