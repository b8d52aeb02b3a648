import Foundation

/// The image files a user named: files as given, folders expanded recursively in sorted order
/// (as torchvision's `ImageFolder` walks them), with what was passed over and why, so a
/// command can say so in one line instead of skipping files without a word.
public struct ImageFileList: Sendable {
    /// A file or folder entry that was not taken, and why.
    public struct Skipped: Sendable, Hashable {
        /// The path as the user wrote it.
        public var path: String
        /// Why it was not taken.
        public var reason: String
    }

    /// The image files, paths spelled from what the user wrote (`photos/cats/a.jpg`).
    public private(set) var files: [String] = []
    /// What was passed over, with the reason.
    public private(set) var skipped: [Skipped] = []

    /// File name extensions taken from folders (any case), those of every format zoo decodes.
    /// A file named on its own is always taken: its content decides its format.
    public static var imageExtensions: Set<String> { ImageFormat.fileExtensions }

    /// Expands `paths`. A path that does not exist is an error naming it; so is a list that
    /// ends up with no image at all.
    public init(_ paths: [String]) throws {
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw VisionError.unreadable(file: path, detail: "no such file or folder")
            }
            if isDirectory.boolValue {
                var visited = Set<String>()
                walk(path, visited: &visited)
            } else {
                files.append(path)
            }
        }
        guard !files.isEmpty else {
            throw VisionError.unreadable(file: paths.joined(separator: ", "), detail: "no images" + (skipped.isEmpty ? "" : " (\(summary))"))
        }
    }

    /// One line naming what was skipped and why, grouped by reason: `2 not images (a.txt, b.csv)`.
    public var summary: String {
        var byReason: [String: [String]] = [:]
        for s in skipped { byReason[s.reason, default: []].append(s.path) }
        return byReason.keys.sorted().map { reason in
            let paths = byReason[reason]!
            let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? ", …" : "")
            return "\(paths.count) \(reason) (\(shown))"
        }.joined(separator: "; ")
    }

    /// Adds the images under `folder`; `visited` holds the real paths of folders already seen,
    /// so a symbolic link back up the tree is reported once instead of followed forever.
    private mutating func walk(_ folder: String, visited: inout Set<String>) {
        let real = URL(fileURLWithPath: folder).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else {
            skipped.append(Skipped(path: folder, reason: "symbolic link loops"))
            return
        }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            skipped.append(Skipped(path: folder, reason: "unreadable folders"))
            return
        }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for name in names.sorted() {
            let path = prefix + name
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                skipped.append(Skipped(path: path, reason: "broken links"))
                continue
            }
            if isDirectory.boolValue {
                walk(path, visited: &visited)
            } else if Self.imageExtensions.contains((name as NSString).pathExtension.lowercased()) {
                files.append(path)
            } else {
                skipped.append(Skipped(path: path, reason: "not image files"))
            }
        }
    }
}
