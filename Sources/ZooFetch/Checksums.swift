import Foundation

/// A hash a weight source may name its file by: our own sha256, or the md5 a publisher gives
/// (Keras passes one to `get_file` for its application weights).
public enum HashAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// SHA-256, the hash zoo pins and most manifests give.
    case sha256
    /// MD5, for publishers that give only that (Keras).
    case md5

    /// Digest length in hex digits.
    public var hexDigits: Int {
        switch self {
        case .sha256: 64
        case .md5: 32
        }
    }
}

/// The digests of a file's bytes, as far as its source needs them.
struct Digests: Sendable, Equatable {
    var sha256: String?
    var md5: String?

    func digest(_ algorithm: HashAlgorithm) -> String? {
        switch algorithm {
        case .sha256: sha256
        case .md5: md5
        }
    }

    /// The first reason these bytes are not `source`'s file, or nil: a hash the source gives
    /// (sha256 before md5), then the sha256 prefix in its name, then `pinned` (the sha256 its
    /// first download had, for a source whose publisher gives no full hash).
    func problem(against source: WeightSource, pinned: Pin?) -> FetchError.Problem? {
        for (algorithm, expected) in source.digests where digest(algorithm) != expected {
            return .hashMismatch(algorithm: algorithm, found: digest(algorithm) ?? "not computed", expected: expected)
        }
        if source.verification == .sha256PrefixInName, let prefix = WeightSource.sha256Prefix(inFileName: source.file),
           sha256?.hasPrefix(prefix) != true {
            return .hashPrefixMismatch(found: sha256 ?? "not computed", prefix: prefix)
        }
        if let pinned, sha256 != pinned.sha256 {
            return .pinMismatch(found: sha256 ?? "not computed", pinned: pinned.sha256, pinFile: pinned.file.path)
        }
        return nil
    }
}

/// Hashes bytes once with every algorithm a source's checks need: the hashes it gives, and
/// sha256 whenever its verification reads a prefix or pins.
struct Checksums {
    private var sha256: SHA256?
    private var md5: MD5?

    /// Hashers for the digests `source`'s checks need.
    init(for source: WeightSource) {
        sha256 = source.sha256 != nil || source.verification.pinsOnFirstUse ? SHA256() : nil
        md5 = source.md5 == nil ? nil : MD5()
    }

    mutating func update(_ data: Data) {
        sha256?.update(data)
        md5?.update(data)
    }

    /// Finalises the hashers: call once.
    mutating func finish() -> Digests {
        Digests(sha256: sha256?.finalizeHex(), md5: md5?.finalizeHex())
    }

    /// Hashes the file at `url` in 4 MiB chunks (never whole in memory).
    static func digests(ofFile url: URL, for source: WeightSource) throws -> Digests {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var checksums = Checksums(for: source)
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { checksums.update(chunk) }
        return checksums.finish()
    }
}
