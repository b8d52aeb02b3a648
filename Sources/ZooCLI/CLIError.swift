/// A run-time failure the CLI itself detects (exit status 1), as opposed to a usage error.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
