import CHDF5

/// What a path inside an HDF5 file names.
public enum HDF5ObjectKind: Sendable, Hashable {
    /// A group (an HDF5 folder).
    case group
    /// A dataset (an array).
    case dataset
    /// A named datatype or anything else that is neither group nor dataset.
    case other
}

/// A group inside an open HDF5 file, addressed by its absolute path.
///
/// Member names may themselves contain `/` (Keras writes datasets named `conv1/kernel:0`,
/// which HDF5 stores as nested groups); such names are resolved as paths below this group.
public struct HDF5Group: Sendable {
    /// The open file the group belongs to (kept open while the group lives).
    public let file: HDF5File
    /// Absolute path, "/" for the root.
    public let path: String

    init(file: HDF5File, path: String) {
        self.file = file
        self.path = path
    }

    /// The absolute path of `name` below this group.
    public func childPath(_ name: String) -> String {
        path == "/" ? "/" + name : path + "/" + name
    }

    /// A subgroup; throws `.notFound` when there is none under that name.
    public func group(_ name: String) throws(HDF5Error) -> HDF5Group {
        guard try kind(of: name) == .group else {
            throw HDF5Error(kind: .notFound, call: "H5Gopen", message: "no group '\(childPath(name))'")
        }
        return HDF5Group(file: file, path: childPath(name))
    }

    /// What `name` refers to, or nil when no such object exists. Soft and external links
    /// count as absent: they could point outside the file.
    public func kind(of name: String) throws(HDF5Error) -> HDF5ObjectKind? {
        let fileID = file.id
        let target = childPath(name)
        return try HDF5Session.run { () throws(HDF5Error) -> HDF5ObjectKind? in
            try Self.objectKind(fileID: fileID, path: target)
        }
    }

    /// Names of the links directly in this group, in name order.
    public func memberNames() throws(HDF5Error) -> [String] {
        let fileID = file.id
        let path = path
        return try HDF5Session.run { () throws(HDF5Error) -> [String] in
            let group = HDF5Handle(try HDF5Session.check(H5Gopen2(fileID, path, zoo_h5p_default()), "H5Gopen2"), close: H5Gclose)
            var info = H5G_info_t()
            try HDF5Session.check(H5Gget_info(group.id, &info), "H5Gget_info")
            var names: [String] = []
            for index in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, zoo_h5p_default())
                guard length >= 0 else { throw HDF5Session.currentError(call: "H5Lget_name_by_idx") }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                let written = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, zoo_h5p_default())
                guard written >= 0 else { throw HDF5Session.currentError(call: "H5Lget_name_by_idx") }
                names.append(String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        }
    }

    /// Resolves `path` one component at a time, accepting hard links only.
    static func objectKind(fileID: hid_t, path: String) throws(HDF5Error) -> HDF5ObjectKind? {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        if components.isEmpty { return .group }
        var prefix = ""
        var kind = HDF5ObjectKind.group
        for component in components {
            // Only a group can hold further links.
            guard kind == .group else { return nil }
            prefix += "/" + component
            let exists = H5Lexists(fileID, prefix, zoo_h5p_default())
            if exists < 0 { throw HDF5Session.currentError(call: "H5Lexists") }
            if exists == 0 { return nil }
            let hard = zoo_h5l_is_hard(fileID, prefix)
            if hard < 0 { throw HDF5Session.currentError(call: "H5Lget_info") }
            if hard == 0 { return nil }
            let object = HDF5Handle(try HDF5Session.check(H5Oopen(fileID, prefix, zoo_h5p_default()), "H5Oopen"), close: H5Oclose)
            switch H5Iget_type(object.id) {
            case H5I_GROUP: kind = .group
            case H5I_DATASET: kind = .dataset
            default: kind = .other
            }
        }
        return kind
    }
}
