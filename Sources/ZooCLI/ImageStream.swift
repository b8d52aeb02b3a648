import Foundation
import Zoo

/// The image paths of one run as the model pulls them, each remembered with its position in
/// the whole list until its result comes back (results come in input order), so the command
/// can name the file of each result while the list itself is never held.
final class ImageStream {
    /// How many images there will be, when known before reading them (not for a list).
    let count: Int?
    private let paths: AnySequence<(position: Int, element: String)>
    private var inFlight: [(position: Int, path: String)] = []

    init<S: Sequence>(_ paths: S, count: Int?) where S.Element == (position: Int, element: String) {
        self.paths = AnySequence(paths)
        self.count = count
    }

    /// The images, for `Model.forEachClassification(of:)` and `forEachEmbedding(of:)`.
    var sources: LazyMapSequence<AnySequence<(position: Int, element: String)>, ImageSource> {
        paths.lazy.map { [self] item in
            inFlight.append((item.position, item.element))
            return .file(URL(fileURLWithPath: item.element))
        }
    }

    /// The position and path of the image whose result comes next.
    func nextResult() -> (position: Int, path: String) {
        inFlight.removeFirst()
    }
}
