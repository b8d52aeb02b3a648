import Foundation
import Hummingbird

/// `GET /`: the page (one self-contained HTML file, `ServePage.html`), and `GET /examples/NAME`:
/// the shipped sample photos it runs for `/?example=NAME`.
struct PageRoutes: Sendable {
    let server: ServerState

    func register(on router: Router<ServeContext>) {
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: ServePage.html)))
        }
        router.get("/examples/:file") { _, context in
            let name = try context.parameters.require("file")
            guard let folder = server.configuration.examplesFolder,
                  let file = ExampleImages.file(named: name, in: folder),
                  let data = FileManager.default.contents(atPath: file.path) else {
                throw ServeError(.notFound, "no example image called '\(name)'")
            }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(string: server.metrics.text())))
        }
    }
}

/// The sample photos shipped in `zoo/samples`, found beside the binary or the current folder.
public enum ExampleImages {
    /// The first `zoo/samples` folder in the current folder or above the executable, if any.
    public static func defaultFolder() -> URL? {
        var candidates = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath)]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var folder = executable.deletingLastPathComponent()
            for _ in 0..<6 {
                candidates.append(folder)
                folder = folder.deletingLastPathComponent()
            }
        }
        return candidates.map { $0.appendingPathComponent("zoo/samples") }.first {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isFolder) && isFolder.boolValue
        }
    }

    /// The image `name` directly in `folder`: a plain file name only, nothing that leaves the folder.
    static func file(named name: String, in folder: URL) -> URL? {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."),
              let listed = try? FileManager.default.contentsOfDirectory(atPath: folder.path), listed.contains(name) else { return nil }
        return folder.appendingPathComponent(name)
    }
}
