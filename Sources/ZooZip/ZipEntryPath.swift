/// The one rule for zip entry names in zoo: relative, `/`-separated, no `.` or `..` component,
/// no empty component (a trailing `/` marks a folder), no backslash and no NUL. A name that
/// breaks it could point outside the folder it would be extracted into.
enum ZipEntryPath {
    static func isSafe(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("\\"), !path.contains("\0") else { return false }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if path.hasSuffix("/") { parts.removeLast() }
        return parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
    }
}
