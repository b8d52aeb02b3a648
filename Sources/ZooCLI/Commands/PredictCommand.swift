import ArgumentParser
import Foundation
import Zoo

/// `zoo predict`: the top classes of each image.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict", abstract: "Classify images (a folder means every image in it, recursively).")

    @OptionGroup var options: ModelOptions

    @OptionGroup var input: ImageInputOptions

    @Option(name: .long, help: "How many classes to show per image.")
    var top = 5

    @Flag(name: .long, help: "Print one JSON document at the end (schema in the README).")
    var json = false

    @Flag(name: .long, help: "Print one JSON object per image, as soon as it is done, in input order.")
    var jsonl = false

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard !(json && jsonl) else { throw ValidationError("--json and --jsonl: choose one") }
    }

    func run() throws {
        let model = try options.load()
        let images = try input.stream()
        let progress = StepProgressBar(label: "classifying")
        var failures = 0
        var reports: [ImageReport] = []
        var done = 0
        try model.forEachClassification(of: images.sources, top: top, batchSize: input.batch) { _, result in
            let report = ImageReport(file: images.nextResult().path, result: result)
            progress.clear()
            if jsonl {
                printLine(try report.jsonLine())
            } else if json {
                reports.append(report)
            } else {
                printText(report)
            }
            // Said at once, so a long run's failures are seen while it goes on.
            if let error = report.error {
                failures += 1
                reportError(error)
            }
            done += 1
            progress.update(done, of: images.count)
        }
        progress.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(PredictionsDocument(model: model.name, images: reports)), as: UTF8.self))
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func printText(_ report: ImageReport) {
        guard let predictions = report.predictions else { return }
        var lines = [report.file]
        for p in predictions {
            let label = p.label.padding(toLength: max(24, p.label.count), withPad: " ", startingAt: 0)
            lines.append("  \(p.rank)  \(label)  \(p.id)  \(String(format: "%.4f", p.score))")
        }
        printLine(lines.joined(separator: "\n"))
    }
}

/// `--json` output: `{"model": ..., "images": [ImageReport...]}`.
struct PredictionsDocument: Encodable {
    var model: String
    var images: [ImageReport]
}

/// Prints and flushes, so a reader at the other end of a pipe sees each line as it is done.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
