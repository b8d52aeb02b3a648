import CHDF5

/// The libhdf5 ZooHDF5 calls, opened the first time a file needs it (see zoo_hdf5.h).
public enum HDF5Library {
    /// Opens libhdf5 if this process has not yet; throws an `HDF5Error` saying what to install
    /// when it is missing or not the release series zoo was built for.
    public static func open() throws(HDF5Error) {
        var reason = [CChar](repeating: 0, count: 256)
        guard zoo_hdf5_open(&reason, reason.count) == 0 else { return }
        let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw HDF5Error(kind: .library, call: "libhdf5", message: text)
    }

    /// "major.minor.release" as libhdf5 reports it at run time (opening it).
    public static var version: String {
        get throws(HDF5Error) {
            try open()
            var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
            H5get_libversion(&major, &minor, &release)
            return "\(major).\(minor).\(release)"
        }
    }
}
