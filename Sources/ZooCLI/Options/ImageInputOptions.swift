import ArgumentParser
import Foundation
import Zoo

/// The images a command works through: named files and folders, and/or a list file read as it
/// goes, and one shard of them for one of several workers (`--shard I/N`, as a Kubernetes
/// Indexed Job or a Spark partition runs it).
struct ImageInputOptions: ParsableArguments {
    @Option(name: .long, help: "A file listing image paths, one per line, read as it goes ('-' reads standard input).")
    var list: String?

    @Option(name: .long, help: "I/N: take only the images whose position in the whole list, counted from 0, is I modulo N.")
    var shard: String?

    @Option(name: .long, help: "Images per batch (shards and partitions give bit-identical results with the same --batch).")
    var batch = 8

    @Argument(help: "Image files or folders (folders are searched recursively, in sorted order).")
    var images: [String] = []

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard !images.isEmpty || list != nil else { throw ValidationError("name at least one image, or give --list FILE") }
        _ = try parsedShard()
    }

    /// `--shard`, or the whole list.
    func parsedShard() throws -> Shard {
        guard let shard else { return .whole }
        do { return try Shard(parsing: shard) } catch { throw ValidationError("--shard: \(error)") }
    }

    /// The images in order, lazily: the arguments (folders expanded), then the list's lines,
    /// each image once (a listed folder or missing file is that line's own error), and of
    /// them this worker's shard. An empty list is no error: a Spark partition or a shard may
    /// well have no lines.
    func stream() throws -> ImageStream {
        let named = images.isEmpty ? [] : try imageFiles(images)
        let shard = try parsedShard()
        guard let list else {
            let count = (0..<named.count).filter { shard.contains(position: $0) }.count
            return ImageStream(shard.select(named), count: count)
        }
        let lines = try LineReader(path: list)
        return ImageStream(shard.select([AnySequence(named), AnySequence(lines)].joined()), count: nil)
    }
}
