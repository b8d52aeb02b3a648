/// A failed libhdf5 call, with the text of HDF5's own error stack.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it was, for callers that react differently to each.
    public enum Kind: Sendable, Hashable {
        /// The bytes are not an HDF5 file (no superblock signature).
        case notHDF5
        /// The file ends before the end of file its superblock records.
        case truncated
        /// A path, attribute or dataset the caller asked for does not exist.
        case notFound
        /// Contents HDF5 can read but this wrapper will not (wrong type, absurd size).
        case unsupported
        /// Any other failure reported by the library.
        case library
    }

    /// What kind of failure it was.
    public var kind: Kind
    /// The C function (or wrapper operation) that failed.
    public var call: String
    /// What went wrong, most specific part first.
    public var message: String

    /// An error of `kind` from `call`, with HDF5's message.
    public init(kind: Kind, call: String, message: String) {
        self.kind = kind
        self.call = call
        self.message = message
    }

    /// The call and the message, in one line.
    public var description: String { "\(call): \(message)" }
}
