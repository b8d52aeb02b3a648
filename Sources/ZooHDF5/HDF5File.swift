import CHDF5
import Foundation

/// An HDF5 file opened read-only, from disk or from bytes in memory.
///
/// Every access goes through `HDF5Session`, so one file may be shared between tasks.
/// Objects inside are addressed by path; `root` is the entry point.
public final class HDF5File: @unchecked Sendable {
    let id: hid_t
    /// What errors call this file: its path, or the name given to an in-memory image.
    public let name: String

    /// Opens the file at `path` read-only.
    public init(path: String) throws(HDF5Error) {
        name = path
        id = try HDF5Session.run { () throws(HDF5Error) -> hid_t in
            let isHDF5 = H5Fis_hdf5(path)
            if isHDF5 == 0 {
                throw HDF5Error(kind: .notHDF5, call: "H5Fopen", message: "not an HDF5 file (no HDF5 signature)")
            }
            if isHDF5 < 0 { throw HDF5Session.currentError(call: "H5Fis_hdf5") }
            let id = try HDF5Session.check(H5Fopen(path, zoo_h5f_acc_rdonly(), zoo_h5p_default()), "H5Fopen")
            // The global heap check needs the bytes: mapped, not read.
            guard let bytes = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
                return try Self.refusingCorruptHeaps(id, problem: "cannot be read")
            }
            let problem = bytes.withUnsafeBytes { HDF5GlobalHeapCheck.firstProblem(in: $0, lengthSize: Self.lengthSize(of: id)) }
            return try Self.refusingCorruptHeaps(id, problem: problem)
        }
    }

    /// Opens an HDF5 file held in memory (for example `model.weights.h5` inside a `.keras` zip).
    /// libhdf5 copies the bytes, so `image` need not outlive the call.
    public init(image: [UInt8], name: String) throws(HDF5Error) {
        self.name = name
        guard Self.hasSignature(image) else {
            throw HDF5Error(kind: .notHDF5, call: "H5Fopen", message: "not an HDF5 file (no HDF5 signature)")
        }
        id = try HDF5Session.run { () throws(HDF5Error) -> hid_t in
            let fapl = HDF5Handle(try HDF5Session.check(H5Pcreate(zoo_h5p_file_access()), "H5Pcreate"), close: H5Pclose)
            // The core (memory) driver with no backing store: nothing is ever written to disk.
            try HDF5Session.check(H5Pset_fapl_core(fapl.id, 1 << 16, false), "H5Pset_fapl_core")
            var bytes = image
            let status = bytes.withUnsafeMutableBytes { buffer in
                H5Pset_file_image(fapl.id, buffer.baseAddress, buffer.count)
            }
            try HDF5Session.check(status, "H5Pset_file_image")
            let id = try HDF5Session.check(H5Fopen(name, zoo_h5f_acc_rdonly(), fapl.id), "H5Fopen")
            let problem = image.withUnsafeBytes { HDF5GlobalHeapCheck.firstProblem(in: $0, lengthSize: Self.lengthSize(of: id)) }
            return try Self.refusingCorruptHeaps(id, problem: problem)
        }
    }

    /// `id` when the global heap check (`HDF5GlobalHeapCheck`) found no `problem`; otherwise the
    /// file is closed and the problem thrown. Runs before anything else is read from the file.
    private static func refusingCorruptHeaps(_ id: hid_t, problem: String?) throws(HDF5Error) -> hid_t {
        guard let problem else { return id }
        H5Fclose(id)
        throw HDF5Error(kind: .library, call: "H5Fopen", message: problem)
    }

    deinit {
        let id = id
        _ = try? HDF5Session.run { () throws(HDF5Error) in _ = H5Fclose(id) }
    }

    /// The root group, "/".
    public var root: HDF5Group { HDF5Group(file: self, path: "/") }

    /// The HDF5 signature sits at offset 0 or, after a user block, at 512, 1024, 2048, ...
    static func hasSignature(_ bytes: [UInt8]) -> Bool {
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var offset = 0
        while offset + signature.count <= bytes.count {
            if Array(bytes[offset..<offset + signature.count]) == signature { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}
