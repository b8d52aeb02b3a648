import CHDF5
import Synchronization

/// Serialises every call into libhdf5 and turns its error stack into thrown errors.
///
/// Not every libhdf5 build is thread-safe (Homebrew's is not), and even a thread-safe build
/// keeps its error stack and its auto-print switch per thread, so each entry into the library
/// takes one process-wide lock, silences automatic printing, and reads the stack on failure.
enum HDF5Session {
    private static let lock = Mutex<Void>(())

    /// Runs `body` holding the library lock, with HDF5's own error printing switched off;
    /// opens libhdf5 first if no call has yet.
    static func run<R>(_ body: () throws(HDF5Error) -> R) throws(HDF5Error) -> R {
        try HDF5Library.open()
        return try lock.withLock { _ throws(HDF5Error) -> R in
            H5Eset_auto2(zoo_h5e_default(), nil, nil)
            defer { H5Eclear2(zoo_h5e_default()) }
            return try body()
        }
    }

    /// Throws the current error stack when an identifier-returning call failed (negative result).
    @discardableResult
    static func check(_ result: hid_t, _ call: String) throws(HDF5Error) -> hid_t {
        if result < 0 { throw currentError(call: call) }
        return result
    }

    /// Throws the current error stack when a status-returning call failed (negative result).
    static func check(_ result: herr_t, _ call: String) throws(HDF5Error) {
        if result < 0 { throw currentError(call: call) }
    }

    /// The error stack of this thread as one message, innermost cause first, then cleared.
    static func currentError(call: String) -> HDF5Error {
        final class Collector {
            var descriptions: [String] = []
            var minors: [hid_t] = []
        }
        let collector = Collector()
        let walker: H5E_walk2_t = { _, entry, context in
            guard let entry, let context else { return 0 }
            let collector = Unmanaged<Collector>.fromOpaque(context).takeUnretainedValue()
            collector.minors.append(entry.pointee.min_num)
            if let desc = entry.pointee.desc {
                let text = String(cString: desc)
                if !text.isEmpty { collector.descriptions.append(text) }
            }
            return 0
        }
        withExtendedLifetime(collector) {
            _ = H5Ewalk2(zoo_h5e_default(), H5E_WALK_UPWARD, walker, Unmanaged.passUnretained(collector).toOpaque())
        }
        H5Eclear2(zoo_h5e_default())
        var kind = HDF5Error.Kind.library
        if collector.minors.contains(zoo_h5e_nothdf5()) { kind = .notHDF5 }
        if collector.minors.contains(zoo_h5e_truncated()) { kind = .truncated }
        var seen = Set<String>()
        let parts = collector.descriptions.filter { seen.insert($0).inserted }
        return HDF5Error(kind: kind, call: call, message: parts.isEmpty ? "failed" : parts.joined(separator: "; "))
    }
}

/// Closes an HDF5 identifier when the scope ends (failures while closing are ignored).
struct HDF5Handle: ~Copyable {
    let id: hid_t
    private let close: (hid_t) -> herr_t

    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }

    deinit { _ = close(id) }
}
