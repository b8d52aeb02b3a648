import Foundation
import Testing

/// Package.swift states what each Swift target really imports: every module of this package
/// (or product of a dependency) that a target's sources `import` is among its declared
/// dependencies, and every declared dependency is imported somewhere in it. Without this check
/// a module compiles through another's transitive dependency and the declared graph drifts.
@Suite struct PackageImportsTests {
    @Test func everyTargetDeclaresWhatItImports() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let manifest = try PackageManifestText(contentsOf: root.appendingPathComponent("Package.swift"))
        #expect(manifest.targets.count > 10, "Package.swift parsed into too few targets: \(manifest.targets.map(\.name))")
        let executables = Set(manifest.targets.filter { $0.kind == .executable }.map(\.name))
        var drift: [String] = []
        for target in manifest.targets {
            let imported = try SwiftImports.modules(under: root.appendingPathComponent(target.path))
            guard let imported else { continue }  // no Swift sources (a C target): nothing to compare
            let ownModules = imported.intersection(manifest.moduleNames)
            for module in ownModules.subtracting(target.dependencies).sorted() {
                drift.append("\(target.name) imports \(module), which its dependencies in Package.swift do not list")
            }
            // A test may depend on an executable to have it built; executables cannot be imported.
            for module in target.dependencies.subtracting(imported).subtracting(executables).sorted() {
                drift.append("\(target.name) lists \(module) in Package.swift but no file of it imports \(module)")
            }
        }
        #expect(drift.isEmpty, "Package.swift and the imports disagree:\n\(drift.joined(separator: "\n"))")
    }

    @Test func parsesDependencyForms() throws {
        let text = """
        // .target(name: "Commented", dependencies: ["Nope"]),
        targets: [
            .target(name: "A", dependencies: ["B", .target(name: "C", condition: .when(platforms: [.linux]))]),
            .executableTarget(name: "Tool", dependencies: [.product(name: "ArgumentParser", package: "x")]),
            .testTarget(name: "ATests", dependencies: ["A"], path: "Elsewhere/ATests"),
        ]
        """
        let manifest = PackageManifestText(text)
        #expect(manifest.targets.map(\.name) == ["A", "Tool", "ATests"])
        #expect(manifest.targets[0].dependencies == ["B", "C"])
        #expect(manifest.targets[1].dependencies == ["ArgumentParser"])
        #expect(manifest.targets[1].path == "Sources/Tool")
        #expect(manifest.targets[2].path == "Elsewhere/ATests")
        #expect(manifest.moduleNames == ["A", "Tool", "ATests", "ArgumentParser"])
        #expect(SwiftImports.module(inLine: "@testable import ZooGraph") == "ZooGraph")
        #expect(SwiftImports.module(inLine: "  internal import struct ZooTensor.Shape") == "ZooTensor")
        #expect(SwiftImports.module(inLine: "let important = 1") == nil)
    }
}

/// The targets of a Package.swift read from its text (no `swift package dump-package`, which
/// would need the toolchain and the resolved dependencies inside a test run).
struct PackageManifestText {
    enum Kind { case library, executable, test }
    struct Target {
        var name: String
        var kind: Kind
        var path: String
        var dependencies: Set<String>
    }

    let targets: [Target]
    /// Every module a target could import from this package: its targets and the dependencies' products.
    let moduleNames: Set<String>

    init(contentsOf url: URL) throws {
        self.init(try String(contentsOf: url, encoding: .utf8))
    }

    init(_ text: String) {
        let code = Array(Self.withoutComments(text))
        var targets: [Target] = []
        var products: Set<String> = []
        let openers: [(String, Kind)] = [(".target(", .library), (".executableTarget(", .executable), (".testTarget(", .test)]
        var i = 0
        while i < code.count {
            if let (opener, kind) = openers.first(where: { Self.matches($0.0, in: code, at: i) }) {
                let bodyStart = i + opener.count
                let bodyEnd = Self.closing(of: code, from: bodyStart)
                let body = Array(code[bodyStart..<bodyEnd])
                if let name = Self.stringArgument("name", in: body) {
                    let dependencies = Self.arrayArgument("dependencies", in: body).map(Self.dependencyNames) ?? []
                    products.formUnion(Self.productNames(in: body))
                    let folder = kind == .test ? "Tests" : "Sources"
                    targets.append(Target(name: name, kind: kind, path: Self.stringArgument("path", in: body) ?? "\(folder)/\(name)",
                                          dependencies: Set(dependencies)))
                }
                i = bodyEnd + 1  // skips `.target(name:)` used as a dependency inside this declaration
            } else {
                i += 1
            }
        }
        self.targets = targets
        self.moduleNames = Set(targets.map(\.name)).union(products)
    }

    /// `text` with `//` comments blanked out, string literals kept (URLs contain `//`).
    private static func withoutComments(_ text: String) -> String {
        var out = ""
        var inString = false
        var inComment = false
        var previous: Character = " "
        for ch in text {
            if inComment {
                if ch == "\n" { inComment = false; out.append(ch) }
            } else if ch == "\"" {
                inString.toggle(); out.append(ch)
            } else if !inString, ch == "/", previous == "/" {
                out.removeLast(); inComment = true
            } else {
                out.append(ch)
            }
            previous = inComment ? " " : ch
        }
        return out
    }

    private static func matches(_ word: String, in code: [Character], at i: Int) -> Bool {
        let w = Array(word)
        return i + w.count <= code.count && Array(code[i..<(i + w.count)]) == w
    }

    /// The index of the bracket closing the one opened just before `start`.
    private static func closing(of code: [Character], from start: Int) -> Int {
        var depth = 1
        var inString = false
        var i = start
        while i < code.count {
            let ch = code[i]
            if ch == "\"" { inString.toggle() }
            if !inString {
                if "([".contains(ch) { depth += 1 }
                if ")]".contains(ch) { depth -= 1; if depth == 0 { return i } }
            }
            i += 1
        }
        return code.count
    }

    /// Where `label:` stands at the top level of `body`, the index after the colon.
    private static func argumentStart(_ label: String, in body: [Character]) -> Int? {
        var depth = 0
        var inString = false
        for i in body.indices {
            let ch = body[i]
            if ch == "\"" { inString.toggle() }
            if inString { continue }
            if "([".contains(ch) { depth += 1 }
            if ")]".contains(ch) { depth -= 1 }
            let atWordStart = i == 0 || !(body[i - 1].isLetter || body[i - 1].isNumber || body[i - 1] == "_")
            if depth == 0, atWordStart, matches(label + ":", in: body, at: i) { return i + label.count + 1 }
        }
        return nil
    }

    private static func stringArgument(_ label: String, in body: [Character]) -> String? {
        guard let start = argumentStart(label, in: body), let open = body[start...].firstIndex(of: "\""),
              body[start..<open].allSatisfy(\.isWhitespace),
              let close = body[(open + 1)...].firstIndex(of: "\"") else { return nil }
        return String(body[(open + 1)..<close])
    }

    private static func arrayArgument(_ label: String, in body: [Character]) -> [Character]? {
        guard let start = argumentStart(label, in: body), let open = body[start...].firstIndex(of: "["),
              body[start..<open].allSatisfy(\.isWhitespace) else { return nil }
        return Array(body[(open + 1)..<closing(of: body, from: open + 1)])
    }

    /// The module each element of a dependencies array names: `"X"`, `.target(name: "X", ...)`,
    /// `.product(name: "X", ...)` or `.byName(name: "X", ...)`.
    private static func dependencyNames(_ array: [Character]) -> [String] {
        var names: [String] = []
        var element: [Character] = []
        var depth = 0
        var inString = false
        func flush() {
            let trimmed = String(element).trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("\"") {
                names.append(String(trimmed.dropFirst().prefix(while: { $0 != "\"" })))
            } else if let open = trimmed.firstIndex(of: "(") {
                let inner = Array(trimmed[trimmed.index(after: open)...])
                if let name = stringArgument("name", in: inner) { names.append(name) }
            }
            element = []
        }
        for ch in array {
            if ch == "\"" { inString.toggle() }
            if !inString {
                if "([".contains(ch) { depth += 1 }
                if ")]".contains(ch) { depth -= 1 }
                if ch == ",", depth == 0 { flush(); continue }
            }
            element.append(ch)
        }
        flush()
        return names
    }

    private static func productNames(in body: [Character]) -> [String] {
        var names: [String] = []
        var i = 0
        while i < body.count {
            if matches(".product(", in: body, at: i) {
                let end = closing(of: body, from: i + 9)
                if let name = stringArgument("name", in: Array(body[(i + 9)..<end])) { names.append(name) }
                i = end
            }
            i += 1
        }
        return names
    }
}

/// The modules named by the `import` lines of Swift files.
enum SwiftImports {
    /// Every module imported by a `.swift` file under `folder`, or nil when it has no Swift file.
    static func modules(under folder: URL) throws -> Set<String>? {
        guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return nil }
        var modules: Set<String> = []
        var sawSwift = false
        for case let file as URL in files where file.pathExtension == "swift" {
            sawSwift = true
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                if let module = module(inLine: String(line)) { modules.insert(module) }
            }
        }
        return sawSwift ? modules : nil
    }

    /// The module an import declaration names: `import X`, `@testable import X`,
    /// `internal import X`, `import struct X.Y`; nil for any other line.
    static func module(inLine line: String) -> String? {
        var words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        while let first = words.first, first.hasPrefix("@") || ["public", "package", "internal", "fileprivate", "private"].contains(first) {
            words.removeFirst()
        }
        guard words.first == "import", words.count >= 2 else { return nil }
        let kinds: Set<String> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func"]
        let path = kinds.contains(words[1]) && words.count >= 3 ? words[2] : words[1]
        return path.split(separator: ".").first.map(String.init)
    }
}
