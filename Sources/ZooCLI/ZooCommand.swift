import ArgumentParser
import Foundation
import Zoo

/// `zoo`: the command-line front end. Errors are one line on stderr, `zoo: error: ...`, with
/// exit status 2 for usage errors and 1 for everything else; never a stack trace.
@main
struct ZooCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zoo",
        abstract: "A model zoo and inference runtime for image CNNs.",
        discussion: "Every command takes --max-memory SIZE (or ZOO_MAX_MEMORY): the memory budget for sizes read from files and flags.",
        subcommands: [PredictCommand.self, EmbedCommand.self, InferCommand.self, PreprocessCommand.self, ConvertCommand.self,
                      InfoCommand.self, ListCommand.self, FetchCommand.self, FinetuneCommand.self, BenchCommand.self,
                      ExplainCommand.self, FeaturesCommand.self, FiltersCommand.self, ServeCommand.self, IsolatedImportCommand.self]
    )

    static func main() async {
        // Untrusted Keras files are read by this same executable in a limited child (KerasIsolation).
        KerasIsolation.helperIsOwnExecutable = true
        let command: ParsableCommand
        do {
            command = try parseAsRoot(MemoryLimitOption.apply(to: Array(CommandLine.arguments.dropFirst())))
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            fail(message(for: error), status: 2)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var runnable = command
                try runnable.run()
            }
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            // Help and version requests arrive as errors too; ArgumentParser knows which.
            switch exitCode(for: error) {
            case .success:
                print(fullMessage(for: error))
                Foundation.exit(0)
            case .validationFailure:
                fail(message(for: error), status: 2)
            default:
                fail(String(describing: error), status: 1)
            }
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        let line = message.split(separator: "\n").first.map(String.init) ?? "failed"
        FileHandle.standardError.write(Data("zoo: error: \(line)\n".utf8))
        Foundation.exit(status)
    }
}
