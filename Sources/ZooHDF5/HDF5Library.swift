import CHDF5

/// The libhdf5 this build links against.
public enum HDF5Library {
    /// "major.minor.release" as libhdf5 reports it at run time.
    public static var version: String {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        return "\(major).\(minor).\(release)"
    }
}
