import Foundation

extension WeightSource {
    /// How a source's file is known to be the right one, as its publisher allows (manifest key
    /// `verify`; when absent, `sha256` if the source gives one, else `md5`). Every hash a source
    /// gives is checked whatever its verification.
    public enum Verification: String, Codable, Sendable, Hashable, CaseIterable {
        /// The full SHA-256 the source gives.
        case sha256
        /// The MD5 the source gives (Keras passes one to `get_file` for most application weights).
        case md5
        /// torchvision's convention, checked as `torch.hub`'s `check_hash` does: the hex digits
        /// between a `-` and a `.` in the file name (`resnet18-f37072fd.pth`) must start the
        /// file's SHA-256. Being only a prefix, the full SHA-256 is also pinned on first use.
        case sha256PrefixInName = "sha256-prefix-in-name"
        /// No hash published at all (Keras' MobileNetV2): the SHA-256 seen at the first download
        /// is pinned in the cache and required from then on (trust on first use).
        case pinnedOnFirstUse = "pinned-on-first-use"

        /// Whether the publisher gives no full hash, so the first download's SHA-256 is pinned.
        public var pinsOnFirstUse: Bool { self == .sha256PrefixInName || self == .pinnedOnFirstUse }
    }

    /// The SHA-256 prefix in `file` as `torch.hub` reads it: the first match of `-([a-f0-9]*)\.`
    /// (lowercase hex only), e.g. `f37072fd` in `resnet18-f37072fd.pth`; nil when nothing
    /// matches or the match is empty (torch.hub would then check nothing; zoo refuses such a
    /// source instead).
    public static func sha256Prefix(inFileName file: String) -> String? {
        let characters = Array(file)
        for start in characters.indices where characters[start] == "-" {
            var end = start + 1
            while end < characters.count, "0123456789abcdef".contains(characters[end]) { end += 1 }
            guard end < characters.count, characters[end] == "." else { continue }
            // torch.hub takes the first match even when empty; an empty prefix checks nothing.
            return end > start + 1 ? String(characters[(start + 1)..<end]) : nil
        }
        return nil
    }

    /// What a file of this source is checked against, for the line saying it was verified:
    /// `md5 64373286793e…`, or for publishers without a full hash the prefix or the pin.
    public var checksDescription: String {
        let hashes = digests.map { "\($0.algorithm.rawValue) \($0.hex.prefix(12))…" }
        switch verification {
        case .sha256PrefixInName:
            let prefix = Self.sha256Prefix(inFileName: file) ?? ""
            return (hashes + ["sha256 prefix \(prefix) in its name (torch.hub's check)", "pinned sha256"]).joined(separator: ", ")
        case .pinnedOnFirstUse:
            return (hashes + ["pinned sha256"]).joined(separator: ", ")
        case .sha256, .md5:
            return hashes.joined(separator: ", ")
        }
    }

    /// The verification a source gets when its manifest entry names none.
    static func defaultVerification(sha256: String?, md5: String?) -> Verification? {
        if sha256 != nil { return .sha256 }
        if md5 != nil { return .md5 }
        return nil
    }

    /// Why `verification` cannot work for this source, or nil.
    var verificationProblem: String? {
        switch verification {
        case .sha256 where sha256 == nil: return "verify is sha256 but the source gives no sha256"
        case .md5 where md5 == nil: return "verify is md5 but the source gives no md5"
        case .sha256PrefixInName where Self.sha256Prefix(inFileName: file) == nil:
            return "verify is sha256-prefix-in-name but '\(file)' has no '-HEX.' in its name (as torchvision's resnet18-f37072fd.pth)"
        default: return nil
        }
    }
}
