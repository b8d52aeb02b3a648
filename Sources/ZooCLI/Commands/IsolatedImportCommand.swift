import ArgumentParser
import Foundation
import Zoo

/// `zoo _import-keras` (hidden): the child side of `KerasIsolation`. The parent zoo runs it to
/// read an untrusted `.h5`/`.keras` with libhdf5 under memory and CPU limits.
struct IsolatedImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: KerasIsolation.subcommand, abstract: "Import a Keras file in a limited helper process.", shouldDisplay: false)

    @Argument var file: String
    @Option(name: .shortAndLong) var output: String
    @Option(name: .long) var arch: String?
    @Option(name: .long) var memoryLimit: Int
    @Option(name: .long) var cpuSeconds: Int

    func run() throws {
        try KerasIsolation.runChild(file: URL(fileURLWithPath: file), architecture: arch, output: URL(fileURLWithPath: output),
                                    memoryLimit: memoryLimit, cpuSeconds: cpuSeconds)
    }
}
