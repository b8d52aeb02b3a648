@testable import ZooVision

extension VisionError {
    /// The case name, as the fixture manifests spell the expected error.
    var kindName: String {
        switch self {
        case .unreadable: "unreadable"
        case .empty: "empty"
        case .notAnImage: "notAnImage"
        case .gitLFSPointer: "gitLFSPointer"
        case .truncated: "truncated"
        case .corrupt: "corrupt"
        case .unsupported: "unsupported"
        case .tooManyPixels: "tooManyPixels"
        case .outOfMemory: "outOfMemory"
        case .libraryUnavailable: "libraryUnavailable"
        case .sizeMismatch: "sizeMismatch"
        case .badLabels: "badLabels"
        }
    }
}
