import CHDF5

extension HDF5Group {
    /// Largest dataset this wrapper reads, in elements (8 GiB of float32).
    static let maxDatasetElements = 1 << 31

    /// The dimensions of the dataset `name` (empty for a scalar), without reading its data.
    public func datasetShape(_ name: String) throws(HDF5Error) -> [Int] {
        let fileID = file.id
        let target = childPath(name)
        return try HDF5Session.run { () throws(HDF5Error) -> [Int] in
            let dataset = try Self.openDataset(fileID: fileID, path: target)
            return try Self.shape(of: dataset.id, path: target).dims
        }
    }

    /// Reads the dataset `name` converted to float32 (HDF5 converts from any integer or float
    /// type, half precision included). Throws when it is not numeric or its size is implausible.
    public func readFloats(_ name: String) throws(HDF5Error) -> (shape: [Int], values: [Float]) {
        let fileID = file.id
        let target = childPath(name)
        return try HDF5Session.run { () throws(HDF5Error) -> (shape: [Int], values: [Float]) in
            let dataset = try Self.openDataset(fileID: fileID, path: target)
            let (dims, count) = try Self.shape(of: dataset.id, path: target)
            try Self.checkReadable(dataset.id, count: count, path: target)
            var values = [Float](repeating: 0, count: count)
            if count > 0 {
                try HDF5Session.check(values.withUnsafeMutableBytes {
                    H5Dread(dataset.id, zoo_h5t_native_float(), zoo_h5s_all(), zoo_h5s_all(), zoo_h5p_default(), $0.baseAddress)
                }, "H5Dread(\(target))")
            }
            return (dims, values)
        }
    }

    /// Reads the dataset `name` as float32 straight into `buffer`, whose count must equal the
    /// dataset's element count (check `datasetShape` first).
    package func readFloats(_ name: String, into buffer: UnsafeMutableBufferPointer<Float>) throws(HDF5Error) {
        let fileID = file.id
        let target = childPath(name)
        try HDF5Session.run { () throws(HDF5Error) in
            let dataset = try Self.openDataset(fileID: fileID, path: target)
            let (_, count) = try Self.shape(of: dataset.id, path: target)
            guard count == buffer.count else {
                throw HDF5Error(kind: .unsupported, call: "read \(target)", message: "holds \(count) values, buffer has \(buffer.count)")
            }
            try Self.checkReadable(dataset.id, count: count, path: target)
            if count > 0 {
                try HDF5Session.check(H5Dread(dataset.id, zoo_h5t_native_float(), zoo_h5s_all(), zoo_h5s_all(),
                                              zoo_h5p_default(), buffer.baseAddress), "H5Dread(\(target))")
            }
        }
    }

    private static func openDataset(fileID: hid_t, path: String) throws(HDF5Error) -> HDF5Handle {
        guard try objectKind(fileID: fileID, path: path) == .dataset else {
            throw HDF5Error(kind: .notFound, call: "H5Dopen2", message: "no dataset '\(path)'")
        }
        return HDF5Handle(try HDF5Session.check(H5Dopen2(fileID, path, zoo_h5p_default()), "H5Dopen2(\(path))"), close: H5Dclose)
    }

    /// Dimensions and element count, checked against overflow and `maxDatasetElements`.
    private static func shape(of dataset: hid_t, path: String) throws(HDF5Error) -> (dims: [Int], count: Int) {
        let space = HDF5Handle(try HDF5Session.check(H5Dget_space(dataset), "H5Dget_space(\(path))"), close: H5Sclose)
        let rank = H5Sget_simple_extent_ndims(space.id)
        guard rank >= 0 else { throw HDF5Session.currentError(call: "H5Sget_simple_extent_ndims(\(path))") }
        if H5Sget_simple_extent_type(space.id) == H5S_NULL { return ([0], 0) }
        var raw = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 {
            guard H5Sget_simple_extent_dims(space.id, &raw, nil) >= 0 else {
                throw HDF5Session.currentError(call: "H5Sget_simple_extent_dims(\(path))")
            }
        }
        var count = 1
        var dims: [Int] = []
        for d in raw {
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(clamping: d))
            guard d <= UInt64(Int.max), !overflow, product <= maxDatasetElements else {
                throw HDF5Error(kind: .unsupported, call: "read \(path)",
                                message: "dimensions \(raw) exceed \(maxDatasetElements) elements")
            }
            count = product
            dims.append(Int(d))
        }
        return (dims, count)
    }

    /// Refuses non-numeric data, and unfiltered datasets whose stored bytes fall short of their
    /// dimensions: HDF5 would quietly return fill values for the missing part.
    private static func checkReadable(_ dataset: hid_t, count: Int, path: String) throws(HDF5Error) {
        let type = HDF5Handle(try HDF5Session.check(H5Dget_type(dataset), "H5Dget_type(\(path))"), close: H5Tclose)
        let typeClass = H5Tget_class(type.id)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
            throw HDF5Error(kind: .unsupported, call: "read \(path)", message: "dataset is not numeric")
        }
        let plist = HDF5Handle(try HDF5Session.check(H5Dget_create_plist(dataset), "H5Dget_create_plist(\(path))"), close: H5Pclose)
        let filters = H5Pget_nfilters(plist.id)
        guard filters >= 0 else { throw HDF5Session.currentError(call: "H5Pget_nfilters(\(path))") }
        let elementSize = H5Tget_size(type.id)
        let stored = H5Dget_storage_size(dataset)
        if filters == 0, count > 0, stored < UInt64(count) * UInt64(elementSize) {
            throw HDF5Error(kind: .truncated, call: "read \(path)",
                            message: "stores \(stored) bytes, its dimensions need \(count * elementSize)")
        }
    }
}
