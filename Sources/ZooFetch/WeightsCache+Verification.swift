import Foundation

extension WeightsCache {
    /// Where pinned sha256s of files without a published full hash are kept: `<root>/pins`.
    public var pinsFolder: URL { root.appendingPathComponent("pins", isDirectory: true) }

    /// Where the lock files that keep two fetches of one file apart live: `<root>/locks`.
    public var locksFolder: URL { root.appendingPathComponent("locks", isDirectory: true) }

    var pins: PinnedHashes { PinnedHashes(folder: pinsFolder) }

    /// Hashes the cached file of `source` and checks it as `verify` does, pinning its sha256
    /// when its publisher gives no full hash and nothing is pinned yet (a file the user put in
    /// the cache by hand is trusted on this first use). Returns the path and what pinning did.
    public func verifyAndPin(_ source: WeightSource) throws -> (file: URL, pin: PinOutcome) {
        let url = path(for: source)
        guard let size = Self.regularFileSize(url) else { throw FetchError(source.file, .notCached(path: url.path)) }
        let note = "the cached file is damaged: fetch it again"
        if let expected = source.size, size != expected {
            throw FetchError(source.file, .sizeMismatch(found: size, expected: expected), note: note)
        }
        let digests: Digests
        do { digests = try Checksums.digests(ofFile: url, for: source) } catch {
            throw FetchError(url.path, .io("cannot read: \(PartialFile.reason(error))"))
        }
        return (url, try Self.check(digests, of: source, pins: pins, subject: source.file, note: note))
    }

    /// Checks `digests` against everything `source` allows checking, and pins the sha256 on
    /// first use for a publisher without a full hash. Errors name `subject`; `note` explains a
    /// hash mismatch (a pin mismatch gets its own note: how to accept a changed file).
    static func check(_ digests: Digests, of source: WeightSource, pins: PinnedHashes,
                      subject: String, note: String) throws -> PinOutcome {
        let pinned = source.verification.pinsOnFirstUse ? try pins.pin(for: source.file) : nil
        if let problem = digests.problem(against: source, pinned: pinned) {
            if case .pinMismatch = problem {
                throw FetchError(subject, problem, note: "the file changed upstream or the download is corrupt; delete the pin to trust the new file")
            }
            throw FetchError(subject, problem, note: note)
        }
        guard source.verification.pinsOnFirstUse else { return .notNeeded }
        if pinned != nil { return .matched }
        guard let sha256 = digests.sha256 else { return .notNeeded }
        let pin = try pins.record(sha256, for: source.file)
        return .pinnedNow(sha256: sha256, pinFile: pin.file.path)
    }
}
