import CHDF5

extension HDF5Group {
    /// Largest attribute this wrapper reads, in bytes. Keras' largest (a full model's JSON
    /// config) is a few megabytes; anything far beyond is a damaged or hostile file.
    static let maxAttributeBytes = 1 << 28

    /// Whether this group carries an attribute called `name`.
    public func hasAttribute(_ name: String) throws(HDF5Error) -> Bool {
        let fileID = file.id
        let path = path
        return try HDF5Session.run { () throws(HDF5Error) -> Bool in
            let exists = H5Aexists_by_name(fileID, path, name, zoo_h5p_default())
            if exists < 0 { throw HDF5Session.currentError(call: "H5Aexists_by_name") }
            return exists > 0
        }
    }

    /// The strings of an attribute: an array (fixed- or variable-length strings) or a scalar
    /// string as one element. An empty attribute of any type reads as no strings, the way
    /// h5py writes an empty list (`weight_names` of a layer without weights).
    public func stringsAttribute(_ name: String) throws(HDF5Error) -> [String] {
        let fileID = file.id
        let path = path
        let where_ = "\(path == "/" ? "" : path)@\(name)"
        return try HDF5Session.run { () throws(HDF5Error) -> [String] in
            let attribute = HDF5Handle(try HDF5Session.check(
                H5Aopen_by_name(fileID, path, name, zoo_h5p_default(), zoo_h5p_default()), "H5Aopen_by_name(\(where_))"), close: H5Aclose)
            let type = HDF5Handle(try HDF5Session.check(H5Aget_type(attribute.id), "H5Aget_type"), close: H5Tclose)
            let space = HDF5Handle(try HDF5Session.check(H5Aget_space(attribute.id), "H5Aget_space"), close: H5Sclose)
            let points = H5Sget_simple_extent_npoints(space.id)
            guard points >= 0 else { throw HDF5Session.currentError(call: "H5Sget_simple_extent_npoints") }
            let count = Int(points)
            if count == 0 { return [] }
            guard H5Tget_class(type.id) == H5T_STRING else {
                throw HDF5Error(kind: .unsupported, call: "read \(where_)", message: "attribute does not hold strings")
            }
            let variable = H5Tis_variable_str(type.id)
            if variable < 0 { throw HDF5Session.currentError(call: "H5Tis_variable_str") }
            if variable > 0 {
                return try readVariableStrings(attribute: attribute.id, fileType: type.id, space: space.id, count: count, where_: where_)
            }
            return try readFixedStrings(attribute: attribute.id, fileType: type.id, count: count, where_: where_)
        }
    }

    /// One string: a scalar string attribute or a one-element string array.
    public func stringAttribute(_ name: String) throws(HDF5Error) -> String {
        let strings = try stringsAttribute(name)
        guard strings.count == 1 else {
            throw HDF5Error(kind: .unsupported, call: "read \(path)@\(name)",
                            message: "expected one string, found \(strings.count)")
        }
        return strings[0]
    }

    private func readVariableStrings(attribute: hid_t, fileType: hid_t, space: hid_t, count: Int,
                                     where_: String) throws(HDF5Error) -> [String] {
        guard count <= Self.maxAttributeBytes / MemoryLayout<UnsafeMutablePointer<CChar>?>.stride else {
            throw HDF5Error(kind: .unsupported, call: "read \(where_)", message: "\(count) strings is too many")
        }
        let memType = HDF5Handle(try HDF5Session.check(H5Tcopy(zoo_h5t_c_s1()), "H5Tcopy"), close: H5Tclose)
        try HDF5Session.check(H5Tset_size(memType.id, zoo_h5t_variable()), "H5Tset_size")
        try HDF5Session.check(H5Tset_cset(memType.id, H5Tget_cset(fileType)), "H5Tset_cset")
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try HDF5Session.check(H5Aread(attribute, memType.id, &pointers), "H5Aread(\(where_))")
        var total = 0
        var strings: [String] = []
        for pointer in pointers {
            let text = pointer.map { String(cString: $0) } ?? ""
            total += text.utf8.count
            if total > Self.maxAttributeBytes { break }
            strings.append(text)
        }
        _ = zoo_h5_vlen_reclaim(memType.id, space, &pointers)
        guard total <= Self.maxAttributeBytes else {
            throw HDF5Error(kind: .unsupported, call: "read \(where_)", message: "strings larger than \(Self.maxAttributeBytes) bytes")
        }
        return strings
    }

    private func readFixedStrings(attribute: hid_t, fileType: hid_t, count: Int, where_: String) throws(HDF5Error) -> [String] {
        let size = H5Tget_size(fileType)
        guard size > 0 else { throw HDF5Session.currentError(call: "H5Tget_size") }
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, total <= Self.maxAttributeBytes else {
            throw HDF5Error(kind: .unsupported, call: "read \(where_)", message: "\(count) strings of \(size) bytes is too large")
        }
        let memType = HDF5Handle(try HDF5Session.check(H5Tcopy(fileType), "H5Tcopy"), close: H5Tclose)
        let spacePadded = H5Tget_strpad(fileType) == H5T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: total)
        try HDF5Session.check(H5Aread(attribute, memType.id, &bytes), "H5Aread(\(where_))")
        return (0..<count).map { i in
            var field = bytes[i * size..<(i + 1) * size]
            if let end = field.firstIndex(of: 0) { field = field[..<end] }
            if spacePadded { while field.last == 0x20 { field = field.dropLast() } }
            return String(decoding: field, as: UTF8.self)
        }
    }
}
