import Testing
@testable import ZooServe

/// The admission limits: requests at once, and body bytes at once against the memory set aside.
struct AdmissionTests {
    @Test func bodyBytesInFlightAreBounded() async throws {
        let admission = Admission(capacity: 10, byteLimit: 100)
        try await admission.withSlot(bytes: 80) {
            await #expect(throws: ServeError.self) { try await admission.withSlot(bytes: 30) {} }
            try await admission.withSlot(bytes: 20) {}
        }
        // Released: the whole allowance is there again.
        try await admission.withSlot(bytes: 100) {}
    }

    @Test func requestsAtOnceAreBounded() async throws {
        let admission = Admission(capacity: 1, byteLimit: 1000)
        try await admission.withSlot(bytes: 0) {
            do {
                try await admission.withSlot(bytes: 0) {}
                Issue.record("a second request was admitted past --queue 1")
            } catch let error as ServeError {
                #expect(error.status == .serviceUnavailable && error.headers[.retryAfter] == "1")
            }
        }
    }
}
