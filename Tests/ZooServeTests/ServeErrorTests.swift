import Testing
import ZooVision
@testable import ZooServe

/// Which side an undecodable upload blames: the client for a bad image, the server for a codec
/// library it lacks.
@Suite struct ServeErrorTests {
    @Test func aMissingCodecLibraryIsTheServersFault() {
        let missing = ServeError.undecodable(.libraryUnavailable(file: "cat.jpg", format: .jpeg, reason: "libjpeg not found; install libjpeg62-turbo"))
        #expect(missing.status == .internalServerError)
        #expect(missing.message.contains("libjpeg not found"))
        #expect(ServeError.undecodable(.notAnImage(file: "cat.jpg")).status == .badRequest)
        #expect(ServeError.undecodable(.empty(file: "cat.jpg")).status == .badRequest)
    }
}
