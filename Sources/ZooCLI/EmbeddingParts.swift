import Foundation
import ZooTensor

/// Embedding part files: `PART.npy` and beside it `PART.npy.rows.tsv`, one line per row,
/// `position<TAB>path`, where position is the image's place in the whole list before sharding.
enum EmbeddingParts {
    static func rowsFile(of npy: URL) -> URL { URL(fileURLWithPath: npy.path + ".rows.tsv") }

    /// One line of a rows file.
    static func rowsLine(position: Int, path: String) -> String { "\(position)\t\(path)\n" }

    static func writeRows(_ rows: [(position: Int, path: String)], besides npy: URL) throws {
        let text = rows.map { rowsLine(position: $0.position, path: $0.path) }.joined()
        try Data(text.utf8).write(to: rowsFile(of: npy), options: .atomic)
    }

    /// Joins parts into `output` (and its rows file), rows sorted by their position in the list.
    static func merge(_ parts: [String], into output: URL) throws {
        guard !parts.isEmpty else { throw CLIError("--merge: name the part files (.npy) to join") }
        var rows: [(position: Int, path: String, vector: [Float])] = []
        var width: Int?
        for part in parts {
            let url = URL(fileURLWithPath: part)
            let tensor = try NPY.read(contentsOf: url).converted(to: .float32)
            guard let text = try? String(contentsOf: rowsFile(of: url), encoding: .utf8) else {
                throw CLIError("\(part): no \(rowsFile(of: url).lastPathComponent) beside it (written by zoo embed --shard)")
            }
            let lines = text.split(separator: "\n")
            guard tensor.shape.rank == 2, tensor.shape[0] == lines.count else {
                throw CLIError("\(part): \(tensor.shape) rows but \(lines.count) lines in its rows file")
            }
            guard width == nil || width == tensor.shape[1] else { throw CLIError("\(part): \(tensor.shape[1]) columns, the others have \(width!)") }
            width = tensor.shape[1]
            let values = tensor.floats
            for (r, line) in lines.enumerated() {
                let fields = line.split(separator: "\t", maxSplits: 1)
                guard fields.count == 2, let position = Int(fields[0]) else { throw CLIError("\(part): bad rows line '\(line)'") }
                rows.append((position, String(fields[1]), Array(values[(r * width!)..<((r + 1) * width!)])))
            }
        }
        rows.sort { $0.position < $1.position }
        try NPY.write(Tensor(shape: [rows.count, width ?? 0], floats: rows.flatMap(\.vector)), to: output)
        try writeRows(rows.map { ($0.position, $0.path) }, besides: output)
    }
}
