import Foundation
import ZooONNX

/// Reads tensor bytes stored outside the model (`data_location: EXTERNAL`). The location is a
/// path relative to the model's folder and must stay inside it; offset and length must lie
/// within the file. Each data file is memory-mapped once.
final class ONNXExternalData {
    let modelFile: URL
    /// The folder locations are relative to; nil when the model came from memory.
    let folder: URL?
    private var mapped: [String: Data] = [:]

    init(modelFile: URL, folder: URL?) {
        self.modelFile = modelFile
        self.folder = folder
    }

    /// The `byteCount` bytes `proto` refers to.
    func bytes(for proto: ONNXTensorProto, byteCount: Int, what: String) throws -> Data {
        var location: String?
        var offset = 0
        var length: Int?
        for (key, value) in proto.externalData {
            switch key {
            case "location": location = value
            case "offset": offset = try number(value, key, what)
            case "length": length = try number(value, key, what)
            default: continue  // "checksum" and future keys do not change the bytes
            }
        }
        guard let location, !location.isEmpty else { throw malformed(what, "external data without a location") }
        if let length, length != byteCount {
            throw malformed(what, "external data length \(length) does not match the \(byteCount) bytes its dims need")
        }
        let url = try resolve(location, what: what)
        let data = try contents(of: url, location: location, what: what)
        let (end, overflow) = offset.addingReportingOverflow(byteCount)
        guard !overflow, end <= data.count else {
            throw ImportError.truncated(file: url, detail: "\(what) needs bytes \(offset)..<\(offset + byteCount), but the file has \(data.count)")
        }
        return data.subdata(in: data.startIndex + offset ..< data.startIndex + end)
    }

    /// The file a location names, refusing absolute paths and anything that resolves outside
    /// the model's folder (through `..` or symbolic links).
    private func resolve(_ location: String, what: String) throws -> URL {
        guard let folder else { throw malformed(what, "external data '\(location)' needs the model's folder, but the model was read from memory") }
        guard !location.hasPrefix("/") else { throw escape(location, what) }
        let root = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let target = folder.appendingPathComponent(location).standardizedFileURL.resolvingSymlinksInPath()
        let prefix = root.hasSuffix("/") ? root : root + "/"
        guard target.path.hasPrefix(prefix) else { throw escape(location, what) }
        return target
    }

    private func contents(of url: URL, location: String, what: String) throws -> Data {
        if let data = mapped[url.path] { return data }
        do {
            let data = try Data(contentsOf: url, options: .alwaysMapped)
            mapped[url.path] = data
            return data
        } catch {
            throw malformed(what, "cannot read external data file '\(location)': \(error.localizedDescription)")
        }
    }

    private func number(_ text: String, _ key: String, _ what: String) throws -> Int {
        guard let v = Int(text), v >= 0 else { throw malformed(what, "external data \(key) '\(text)' is not a non-negative integer") }
        return v
    }

    private func escape(_ location: String, _ what: String) -> ImportError {
        malformed(what, "external data location '\(location)' is outside the model's folder")
    }

    private func malformed(_ what: String, _ detail: String) -> ImportError {
        .malformed(file: modelFile, at: what, detail: detail)
    }
}
