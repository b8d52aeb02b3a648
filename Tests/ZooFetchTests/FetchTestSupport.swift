import Foundation
import ZooFetch

/// A fresh folder under the system temp folder, removed by `remove()`.
struct TemporaryFolder {
    let url: URL

    init(_ label: String = "zoo-fetch-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }

    /// Everything in `folder` (recursively), as paths relative to it; empty if it does not exist.
    static func contents(of folder: URL) -> [String] {
        guard let names = FileManager.default.subpaths(atPath: folder.path) else { return [] }
        return names.sorted()
    }
}

enum Bytes {
    /// `count` reproducible pseudo-random bytes (xorshift), different for each `seed`.
    static func random(_ count: Int, seed: UInt64 = 0x9e37_79b9_7f4a_7c15) -> Data {
        var state = seed | 1
        var bytes = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            bytes[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        return Data(bytes)
    }
}

/// Runs `body`, returning the `FetchError` it throws (nil if it throws nothing or something else).
func fetchError(_ body: () throws -> Void) -> FetchError? {
    do { try body() } catch let error as FetchError { return error } catch { return nil }
    return nil
}

func fetchError(_ body: () async throws -> Void) async -> FetchError? {
    do { try await body() } catch let error as FetchError { return error } catch { return nil }
    return nil
}

/// Collects what a progress callback saw, from any thread.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Int64, Int64?)] = []

    func record(_ done: Int64, _ total: Int64?) { lock.withLock { entries.append((done, total)) } }
    var all: [(Int64, Int64?)] { lock.withLock { entries } }
}
