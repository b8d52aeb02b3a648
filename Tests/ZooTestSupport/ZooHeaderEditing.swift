import Foundation

/// Hand-edited `.zoo` files: the JSON header of a written file changed (its `__metadata__` and
/// tensor entries), the data section kept byte for byte, the header padded back to 64 bytes.
public enum ZooHeaderEditing {
    /// The header of the `.zoo` (safetensors) file at `url`, as JSON.
    public static func header(of url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        return try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
    }

    /// Writes `url`'s file to `out` with its header edited by `edit`.
    public static func rewrite(_ url: URL, to out: URL, _ edit: (inout [String: Any]) throws -> Void) throws {
        let data = try Data(contentsOf: url)
        let length = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        var header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + length))) as! [String: Any]
        try edit(&header)
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        json.append(Data(repeating: 0x20, count: (64 - (8 + json.count) % 64) % 64))
        var size = UInt64(json.count).littleEndian
        var file = Data(bytes: &size, count: 8)
        file.append(json)
        file.append(data.subdata(in: (8 + length)..<data.count))
        try file.write(to: out)
    }

    /// Writes `url`'s file to `out` with `__metadata__[key]` set to `value` (removed when nil).
    public static func rewrite(_ url: URL, to out: URL, metadata key: String, _ value: String?) throws {
        try rewrite(url, to: out) { header in
            var meta = header["__metadata__"] as? [String: String] ?? [:]
            meta[key] = value
            header["__metadata__"] = meta
        }
    }
}
