import Foundation
import ZooTensor

/// A safetensors header, checked against the file before any tensor is touched: sizes,
/// types, shapes, offsets inside the data, no two tensors sharing bytes.
struct SafetensorsHeader {
    struct Entry {
        var dtype: DType
        var shape: Shape
        var begin: Int
        var end: Int
    }
    var metadata: [String: String]
    var entries: [String: Entry]
    /// Where the data section starts in the file.
    var dataStart: Int

    init(file: MappedFile) throws {
        let url = file.url
        func fail(_ detail: String) -> ZooFileError { ZooFileError(file: url, detail: detail) }
        guard file.byteCount > 0 else { throw fail("truncated: the file is empty (0 bytes)") }
        let head = UnsafeRawBufferPointer(start: file.bytes, count: min(file.byteCount, 64))
        guard !GitLFSPointer.matches(head) else { throw fail(GitLFSPointer.explanation(.model)) }
        guard file.byteCount >= 8 else { throw fail("truncated: \(file.byteCount) bytes, too short for a header size") }
        let claimed = file.bytes.loadUnaligned(as: UInt64.self).littleEndian
        guard claimed <= UInt64(file.byteCount - 8) else {
            throw fail("header size \(claimed) is larger than the file (\(file.byteCount) bytes): truncated or not a .zoo file")
        }
        guard claimed <= UInt64(ZooFileFormat.maxHeaderBytes) else { throw fail("header size \(claimed) exceeds the 100 MB limit") }
        let headerLength = Int(claimed)
        dataStart = 8 + headerLength
        let headerBytes = UnsafeRawBufferPointer(start: file.bytes + 8, count: headerLength)
        guard String(validating: headerBytes, as: UTF8.self) != nil else { throw fail("header is not UTF-8 text") }
        let object: [(key: String, value: HeaderJSON)]
        do {
            guard let members = try HeaderJSON.parse(headerBytes).members else {
                throw fail("header is not a JSON object")
            }
            object = members
        } catch let error as HeaderJSONError {
            throw fail("header is not JSON: \(error)")
        }

        metadata = [:]
        let dataLength = file.byteCount - dataStart
        entries = [:]
        var neededData = 0  // past dataLength: the file is cut short
        for (name, raw) in object {
            if name == "__metadata__" {
                guard let fields = raw.members else { throw fail("__metadata__ must map strings to strings") }
                for (key, value) in fields {
                    guard let text = value.stringValue else { throw fail("__metadata__ must map strings to strings") }
                    metadata[key] = text
                }
                continue
            }
            guard let dtypeName = raw["dtype"]?.stringValue, let dims = raw["shape"]?.integers,
                  let offsets = raw["data_offsets"]?.integers, offsets.count == 2 else {
                throw fail("tensor '\(name)': needs dtype, shape and two data_offsets")
            }
            guard let dtype = ZooFileFormat.dtype(safetensorsName: dtypeName) else {
                throw fail("tensor '\(name)': unsupported dtype \(dtypeName)")
            }
            let shape = Shape(dims)
            guard let count = shape.checkedElementCount, case let (bytes, false) = count.multipliedReportingOverflow(by: dtype.byteSize) else {
                throw fail("tensor '\(name)': shape \(dims) is negative or too large")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end else {
                throw fail("tensor '\(name)': data_offsets [\(begin), \(end)] are not a range")
            }
            neededData = max(neededData, end)
            guard end - begin == bytes else {
                throw fail("tensor '\(name)': shape \(shape) of \(dtypeName) needs \(bytes) bytes, data_offsets give \(end - begin)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, begin: begin, end: end)
        }
        guard neededData <= dataLength else {
            throw fail("truncated: the tensors need \(neededData) bytes of data, the file holds \(dataLength)")
        }
        let sorted = entries.sorted { ($0.value.begin, $0.value.end) < ($1.value.begin, $1.value.end) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.value.begin < a.value.end {
            throw fail("tensors '\(a.key)' and '\(b.key)' overlap")
        }
    }
}
