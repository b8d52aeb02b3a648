import Foundation

/// The index on disk: one JSON file,
/// `{"format": "zoo-embedding-index", "version": 1, "model": ..., "dimension": D,
///   "entries": [{"id": ..., "label": ..., "vector": base64 of D little-endian float32}]}`.
/// Base64 float32 keeps the vectors exact and the file a third of decimal JSON's size.
extension EmbeddingIndex {
    static let formatName = "zoo-embedding-index"
    static let formatVersion = 1

    private struct Stored: Codable {
        struct Item: Codable { var id: String; var label: String; var vector: String }
        var format: String
        var version: Int
        var model: String?
        var dimension: Int?
        var entries: [Item]
    }

    /// Writes the index atomically (a temporary file renamed into place).
    public func save(to url: URL) throws {
        let stored = Stored(format: Self.formatName, version: Self.formatVersion, model: model, dimension: dimension,
                            entries: entries.map { e in
                                let bytes = e.vector.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
                                return .init(id: e.id, label: e.label, vector: Data(bytes).base64EncodedString())
                            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { try encoder.encode(stored).write(to: url, options: .atomic) } catch {
            throw FineTuningError.badIndex(file: url.path, detail: "cannot be written: \(error.localizedDescription)")
        }
    }

    /// Reads an index `save` wrote; every entry is checked as `add` checks it.
    public init(contentsOf url: URL) throws {
        func bad(_ detail: String) -> FineTuningError { .badIndex(file: url.path, detail: detail) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw bad("cannot be read (\(error.localizedDescription))") }
        guard let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.format == Self.formatName else {
            throw bad("not a zoo embedding index (expected JSON with \"format\": \"\(Self.formatName)\")")
        }
        guard stored.version <= Self.formatVersion else { throw bad("written by a newer zoo (index version \(stored.version))") }
        self.init(model: stored.model)
        for item in stored.entries {
            guard let bytes = Data(base64Encoded: item.vector), bytes.count % 4 == 0 else { throw bad("entry '\(item.id)': vector is not base64 float32") }
            let vector = stride(from: 0, to: bytes.count, by: 4).map { i in
                Float(bitPattern: bytes[(bytes.startIndex + i)..<(bytes.startIndex + i + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) })
            }
            if let d = stored.dimension, vector.count != d { throw bad("entry '\(item.id)': \(vector.count) values, the index declares \(d)") }
            do { try add(vector, label: item.label, id: item.id) } catch let error as FineTuningError { throw bad("\(error)") }
        }
    }
}
