import Foundation

/// The non-empty lines of a file or of standard input, read a chunk at a time as they are
/// asked for, so `zoo predict --list -` starts on the first paths while the writer at the other
/// end of the pipe is still writing, and a list of millions of paths is never held whole.
/// `\r\n` line ends are taken too; bytes that are not UTF-8 are replaced (the path then fails
/// to open, as its own error line).
struct LineReader: Sequence {
    private let handle: FileHandle

    /// Reads `path`, or standard input for `-`; throws a one-line error when it cannot be opened.
    init(path: String) throws {
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let opened = FileHandle(forReadingAtPath: path) else {
                throw CLIError("\(path): cannot read the list file")
            }
            handle = opened
        }
    }

    func makeIterator() -> Iterator { Iterator(descriptor: handle.fileDescriptor, handle: handle) }

    /// Holds the bytes read past the last line handed out.
    final class Iterator: IteratorProtocol {
        private let descriptor: Int32
        private let handle: FileHandle  // keeps the descriptor open
        private var buffer: [UInt8] = []
        private var start = 0
        private var atEnd = false

        init(descriptor: Int32, handle: FileHandle) {
            self.descriptor = descriptor
            self.handle = handle
        }

        func next() -> String? {
            while true {
                if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = take(upTo: newline)
                    start = newline + 1
                    if !line.isEmpty { return line }
                    continue
                }
                if atEnd {
                    let line = take(upTo: buffer.count)
                    start = buffer.count
                    return line.isEmpty ? nil : line
                }
                fill()
            }
        }

        private func take(upTo end: Int) -> String {
            var slice = buffer[start..<end]
            if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }

        /// One `read(2)`: whatever the writer has sent so far, up to 64 KiB.
        private func fill() {
            buffer.removeFirst(start)
            start = 0
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                buffer.append(contentsOf: chunk[..<count])
            } else if count == 0 || errno != EINTR {
                atEnd = true
            }
        }
    }
}
