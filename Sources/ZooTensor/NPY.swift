import Foundation

/// NumPy's `.npy` format, versions 1.0, 2.0 and 3.0: magic, header length, a Python-dict
/// header (`descr`, `fortran_order`, `shape`), then the raw little-endian data in C order.
/// Supported element types: float32, float64, int64, uint8 (int32 is read too).
public enum NPY {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Reads a `.npy` file into a tensor.
    public static func read(contentsOf url: URL) throws -> Tensor {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw NPYError(file: url, detail: "no such file")
        }
        guard !isDir.boolValue else { throw NPYError(file: url, detail: "is a folder, not a .npy file") }
        let data: Data
        do { data = try Data(contentsOf: url, options: .mappedIfSafe) } catch {
            throw NPYError(file: url, detail: "cannot be read (\(error.localizedDescription))")
        }
        return try decode(data, file: url)
    }

    /// Decodes `.npy` bytes; `file` is named in errors.
    public static func decode(_ data: Data, file: URL) throws -> Tensor {
        func fail(_ detail: String) -> NPYError { NPYError(file: file, detail: detail) }
        guard !data.isEmpty else { throw fail("empty file (0 bytes), not a .npy array") }
        guard !GitLFSPointer.matches(data.prefix(64)) else { throw fail(GitLFSPointer.explanation(.array)) }
        let bytes = [UInt8](data.prefix(12))
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else { throw fail("not a .npy file (bad magic)") }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            headerLength = (8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }
            headerStart = 12
        default:
            throw fail("unsupported .npy format version \(major).\(bytes[7])")
        }
        guard headerStart + headerLength <= data.count else { throw fail("truncated header") }
        let headerBytes = data.subdata(in: headerStart..<(headerStart + headerLength))
        guard let header = String(data: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw fail("header is not text")
        }
        let fields = try NPYHeader.parse(header, file: file)

        let dtype: DType
        switch fields.descr {
        case "<f4", "=f4": dtype = .float32
        case "<f8", "=f8": dtype = .float64
        case "<i8", "=i8": dtype = .int64
        case "<i4", "=i4": dtype = .int32
        case "|u1", "<u1", "=u1": dtype = .uint8
        default: throw fail("unsupported dtype '\(fields.descr)' (supported: <f4, <f8, <i8, <i4, |u1, little-endian)")
        }
        guard !fields.fortranOrder else { throw fail("Fortran-ordered arrays are not supported (save with C order)") }
        let shape = Shape(fields.shape)
        guard let count = shape.checkedElementCount, count.multipliedReportingOverflow(by: dtype.byteSize).overflow == false else {
            throw fail("shape \(shape) is too large")
        }
        let dataStart = headerStart + headerLength
        let needed = count * dtype.byteSize
        guard data.count - dataStart >= needed else {
            throw fail("truncated: shape \(shape) needs \(needed) bytes of data, the file has \(data.count - dataStart)")
        }
        return data.withUnsafeBytes { raw in
            Tensor(shape: shape, dtype: dtype, bytes: UnsafeRawBufferPointer(rebasing: raw[dataStart..<(dataStart + needed)]))
        }
    }

    /// Encodes a tensor as a version 1.0 file (2.0 when the header needs more than 64 KiB).
    public static func encode(_ tensor: Tensor) -> Data {
        // NumPy has no bfloat16: such tensors are written widened.
        if tensor.dtype == .bfloat16 { return encode(tensor.converted(to: .float32)) }
        let descr: String
        switch tensor.dtype {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .int64: descr = "<i8"
        case .int32: descr = "<i4"
        case .uint8: descr = "|u1"
        case .float16: descr = "<f2"
        case .bfloat16: preconditionFailure("widened above")
        }
        var data = header(descr: descr, dims: tensor.shape.dims)
        data.append(Data(bytes: tensor.rawPointer, count: tensor.byteCount))
        return data
    }

    /// The magic, version, length and header dictionary of a file, ending on a 64-byte boundary;
    /// at least `length` bytes long (padded with spaces), so a header whose row count is
    /// known only at the end (`NPYRowWriter`) can be written over a reserved one in place.
    static func header(descr: String, dims: [Int], length: Int = 0) -> Data {
        let dimsText = dims.map(String.init)
        let shapeText = dimsText.count == 1 ? "(\(dimsText[0]),)" : "(" + dimsText.joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Data starts on a 64-byte boundary; the header ends with a newline.
        let prefix = header.utf8.count + 1 + 10 > 65535 ? 12 : 10
        let unpadded = prefix + header.utf8.count + 1
        let total = max(unpadded + (64 - unpadded % 64) % 64, length)
        header += String(repeating: " ", count: total - unpadded) + "\n"
        var data = Data(magic)
        let headerLength = header.utf8.count
        if prefix == 10 {
            data.append(contentsOf: [1, 0, UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)])
        } else {
            data.append(contentsOf: [2, 0] + (0..<4).map { UInt8((headerLength >> (8 * $0)) & 0xFF) })
        }
        data.append(contentsOf: Array(header.utf8))
        return data
    }

    /// Writes atomically: a reader never sees a half-written file.
    public static func write(_ tensor: Tensor, to url: URL) throws {
        do { try encode(tensor).write(to: url, options: .atomic) } catch {
            throw NPYError(file: url, detail: "cannot be written (\(error.localizedDescription))")
        }
    }
}

/// A `.npy` file that cannot be read or written, naming the file and the problem.
public struct NPYError: Error, CustomStringConvertible, Equatable {
    /// The file that failed.
    public let file: URL
    /// What is wrong with it.
    public let detail: String
    /// The error in one line, naming the file.
    public var description: String { "\(file.lastPathComponent): \(detail)" }
}
