import ArgumentParser
import Foundation
import Zoo
import ZooVision

/// `zoo predict`: the top classes of each image.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Classify images (a folder means every image in it).")

    @OptionGroup var options: ImageModelOptions

    @Option(name: .long, help: "How many classes to show per image.")
    var top = 5

    @Option(name: .long, help: "Images per batch.")
    var batch = 8

    @Flag(name: .long, help: "Print JSON (schema in the README).")
    var json = false

    @Argument(help: "Image files or folders.")
    var images: [String]

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard !images.isEmpty else { throw ValidationError("name at least one image") }
    }

    func run() throws {
        let model = try options.load()
        guard let pipeline = model.pipeline else { throw CLIError("\(model.name): no preprocessing known: pass --arch with a zoo model") }
        let files = try imageFiles(images)
        // Decode each file on its own so one bad image is reported and the rest still run.
        var results = [PredictionResult?](repeating: nil, count: files.count)
        var pending: [(index: Int, image: RGBImage)] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let predictions = try model.classify(pending.map { .rgb($0.image) }, top: top)
            for (entry, p) in zip(pending, predictions) {
                results[entry.index] = PredictionResult(file: files[entry.index].path, predictions: p, error: nil)
            }
            pending.removeAll()
        }
        for (i, file) in files.enumerated() {
            do {
                pending.append((i, try ImageDecoder.decode(contentsOf: file.url, options: pipeline.decodeOptions)))
            } catch {
                results[i] = PredictionResult(file: file.path, predictions: nil, error: String(describing: error))
            }
            if pending.count == batch { try flush() }
        }
        try flush()
        let report = PredictionReport(model: model.name, images: results.compactMap { $0 })

        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            for result in report.images where result.error == nil {
                print(result.file)
                for (rank, p) in (result.predictions ?? []).enumerated() {
                    let label = p.label.padding(toLength: max(24, p.label.count), withPad: " ", startingAt: 0)
                    print("  \(rank + 1)  \(label)  \(p.id)  \(String(format: "%.4f", p.score))")
                }
            }
        }
        let failed = report.images.filter { $0.error != nil }
        for result in failed { reportError(result.error!) }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}

/// `--json` output: `{"model": ..., "images": [{"file", "predictions": [{"rank", "index", "id", "label", "score"}]} | {"file", "error"}]}`.
struct PredictionReport: Encodable {
    var model: String
    var images: [PredictionResult]
}

struct PredictionResult: Encodable {
    struct Entry: Encodable {
        var rank: Int
        var index: Int
        var id: String
        var label: String
        var score: Float
    }
    var file: String
    var predictions: [Entry]?
    var error: String?

    init(file: String, predictions: [Prediction]?, error: String?) {
        self.file = file
        self.predictions = predictions?.enumerated().map { Entry(rank: $0 + 1, index: $1.index, id: $1.id, label: $1.label, score: $1.score) }
        self.error = error
    }
}
