import ArgumentParser
import Foundation
import ZooVision

/// The images a command works through: named files and folders, or a list file, and one
/// shard of them for one of several workers (`--shard I/N`, as a Kubernetes Indexed Job or a
/// Spark partition runs it).
struct ImageInputOptions: ParsableArguments {
    @Option(name: .long, help: "A file listing image paths, one per line ('-' reads standard input).")
    var list: String?

    @Option(name: .long, help: "I/N: take only the images whose position in the list, counted from 0, is I modulo N.")
    var shard: String?

    @Option(name: .long, help: "Images per batch.")
    var batch = 8

    @Argument(help: "Image files or folders (folders are searched recursively, in sorted order).")
    var images: [String] = []

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard !images.isEmpty || list != nil else { throw ValidationError("name at least one image, or give --list FILE") }
        _ = try parsedShard()
    }

    /// `(index, count)` of `--shard`, or nil.
    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i) else {
            throw ValidationError("--shard takes I/N with 0 <= I < N, got \(shard)")
        }
        return (i, n)
    }

    /// The image paths in order: the arguments (folders expanded), then the list's lines, then
    /// this worker's shard of them.
    func paths() throws -> [String] {
        var named = images
        if let list { named += try listedPaths(list) }
        // An empty list is no error: a Spark partition or a shard may well have no lines.
        if named.isEmpty { return [] }
        var files = try imageFiles(named)
        if let (i, n) = try parsedShard() {
            files = files.enumerated().filter { $0.offset % n == i }.map(\.element)
        }
        return files
    }

    private func listedPaths(_ list: String) throws -> [String] {
        let data: Data
        if list == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: list) else { throw CLIError("\(list): cannot read the list file") }
            data = read
        }
        guard let text = String(data: data, encoding: .utf8) else { throw CLIError("\(list): the list is not UTF-8 text") }
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }
}
