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
        let files = try input.paths()
        let progress = StepProgressBar(label: "classifying")
        var failed: [String] = []
        var reports: [ImageReport] = []
        _ = model.classify(files.map { .file(URL(fileURLWithPath: $0)) }, top: top, batchSize: input.batch) { index, result in
            let report = ImageReport(file: files[index], result: result)
            if let error = report.error { failed.append(error) }
            if jsonl {
                printLine((try? report.jsonLine()) ?? "")
            } else if json {
                reports.append(report)
            } else {
                progress.clear()
                printText(report)
            }
            progress.update(index + 1, of: files.count)
        }
        progress.finish()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(PredictionsDocument(model: model.name, images: reports)), as: UTF8.self))
        }
        for error in failed { reportError(error) }
        if !failed.isEmpty { throw ExitCode(1) }
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
