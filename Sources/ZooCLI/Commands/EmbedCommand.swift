import ArgumentParser
import Foundation
import Zoo
import ZooTensor

/// `zoo embed`: pooled features, one row per image, as a float32 `.npy`, and/or an embedding
/// index (`EmbeddingIndex`) for few-shot classification, labelled by each image's folder.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Write image embeddings (pooled features), one row per image, as .npy.",
        discussion: """
            With --index FILE.json the embeddings also go into an embedding index (created, or added to when \
            FILE.json exists), each labelled by the name of its image's folder and named by its path: \
            `zoo embed --index pets.json examples/` indexes examples/cat/*.jpg as "cat" and so on (an ImageFolder tree). \
            With --shard, or when an image fails, OUT.npy comes with OUT.npy.rows.tsv: each row's position in the \
            whole list and its path; `zoo embed --merge -o ALL.npy PART.npy...` joins such parts back in list order.
            """)

    @OptionGroup var options: ModelOptions

    @OptionGroup var input: ImageInputOptions

    @Option(name: .long, help: "The layer whose output to take (default: the model's pooled features).")
    var layer: String?

    @Option(name: .shortAndLong, help: "The .npy file to write.")
    var output: String?

    @Option(name: .long, help: "An embedding index (.json) to create or add to, labels from the images' folder names.")
    var index: String?

    @Flag(name: .long, help: "Print one JSON object per image ({\"file\", \"embedding\"} or {\"file\", \"error\"}) as soon as it is done.")
    var jsonl = false

    @Flag(name: .long, help: "Join part files written with --shard (the arguments) into -o, in list order.")
    var merge = false

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard output != nil || index != nil || jsonl else { throw ValidationError("give -o OUT.npy, --index INDEX.json or --jsonl") }
        if merge { guard output != nil, index == nil, !jsonl else { throw ValidationError("--merge writes -o OUT.npy only") } }
    }

    func run() throws {
        let inputs = input.images + [options.model, options.weights, input.list].compactMap { $0 }
        if merge {
            try OutputFile.check(output!, inputs: inputs, kind: .npy, force: outputOptions.force)
            return try EmbeddingParts.merge(input.images, into: URL(fileURLWithPath: output!))
        }
        if let output { try OutputFile.check(output, inputs: inputs + [index].compactMap { $0 }, kind: .npy, force: outputOptions.force) }
        if let index { try OutputFile.check(index, inputs: inputs, kind: .other) }
        let model = try options.load()
        let files = try input.paths()
        let progress = StepProgressBar(label: "embedding")
        var rows: [(position: Int, path: String, vector: [Float])] = []
        var failed: [String] = []
        let positions = try globalPositions(count: files.count)
        _ = model.embed(files.map { .file(URL(fileURLWithPath: $0)) }, layer: layer, batchSize: input.batch) { i, result in
            switch result {
            case .success(let vector):
                rows.append((positions[i], files[i], vector))
                if jsonl { printLine(EmbeddingLine(file: files[i], embedding: vector, error: nil).json) }
            case .failure(let error):
                failed.append(String(describing: error))
                if jsonl { printLine(EmbeddingLine(file: files[i], embedding: nil, error: String(describing: error)).json) }
            }
            progress.update(i + 1, of: files.count)
        }
        progress.finish()
        let width = rows.first?.vector.count ?? 0
        let features = Tensor(shape: [rows.count, width], floats: rows.flatMap(\.vector))
        // Nothing embedded, nothing written: a failed run leaves no output behind.
        if let output, !rows.isEmpty {
            let url = URL(fileURLWithPath: output)
            try NPY.write(features, to: url)
            if input.shard != nil || !failed.isEmpty {
                try EmbeddingParts.writeRows(rows.map { ($0.position, $0.path) }, besides: url)
            }
        }
        if let index { try addToIndex(URL(fileURLWithPath: index), features: features, paths: rows.map(\.path), model: model.name) }
        for error in failed { reportError(error) }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// Each file's position in the whole list before sharding (shard I of N took every N-th from I).
    private func globalPositions(count: Int) throws -> [Int] {
        guard let (i, n) = try input.parsedShard() else { return Array(0..<count) }
        return (0..<count).map { i + $0 * n }
    }

    private func addToIndex(_ url: URL, features: Tensor, paths: [String], model: String) throws {
        var existing = FileManager.default.fileExists(atPath: url.path) ? try EmbeddingIndex(contentsOf: url) : EmbeddingIndex(model: model)
        // Re-embedding an image replaces its entry.
        for path in paths { existing.remove(id: path) }
        let labels = paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent }
        let added = try EmbeddingIndex(embeddings: features, labels: labels, ids: paths)
        for entry in added.entries { try existing.add(entry.vector, label: entry.label, id: entry.id) }
        try existing.save(to: url)
    }
}

/// One line of `zoo embed --jsonl`.
struct EmbeddingLine: Encodable {
    var file: String
    var embedding: [Float]?
    var error: String?

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? ""
    }
}
