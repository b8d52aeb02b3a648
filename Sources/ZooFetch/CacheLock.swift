import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on `<cache>/locks/<file>.lock`, held while one fetch of that file runs,
/// so that two processes (or two threads with their own handles) fetching the same file do
/// not both download it: the second waits, then finds the first one's file in the cache. The
/// kernel drops the lock when its holder dies, so a killed fetch never blocks the next one.
/// Lock files are left in place: removing one while another process waits on it would let a
/// third lock a new file of the same name.
final class CacheLock {
    private let fd: Int32
    let url: URL

    /// How often a waiting fetch tries the lock again.
    static let pollInterval: useconds_t = 100_000

    /// Takes the lock for `file`, waiting while another fetch holds it; `waiting` is called once
    /// if it has to wait. Throws `CancellationError` when cancelled while waiting.
    init(for file: String, in cache: WeightsCache, cancellation: FetchCancellation, waiting: () -> Void) throws {
        let folder = cache.locksFolder
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw FetchError(folder.path, .io("cannot create the lock folder: \(PartialFile.reason(error))"))
        }
        url = folder.appendingPathComponent(file + ".lock")
        fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FetchError(url.path, .io("cannot open the lock file: \(String(cString: strerror(errno)))")) }
        var announced = false
        // Polled, not blocking: a blocked thread could not notice cancellation.
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EWOULDBLOCK || code == EINTR else {
                close(fd)
                throw FetchError(url.path, .io("cannot lock: \(String(cString: strerror(code)))"))
            }
            if !announced {
                announced = true
                waiting()
            }
            if cancellation.isCancelled {
                close(fd)
                throw CancellationError()
            }
            usleep(Self.pollInterval)
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
