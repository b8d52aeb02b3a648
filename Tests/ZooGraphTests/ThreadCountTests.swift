import Foundation
import Testing
@testable import ZooGraph

@Suite struct ThreadCountTests {
    @Test func quotaIsRoundedUpAndUnlimitedIsNil() {
        #expect(ThreadCount.quota("200000", period: "100000") == 2)
        #expect(ThreadCount.quota("150000", period: "100000") == 2)
        #expect(ThreadCount.quota("50000", period: "100000") == 1)
        #expect(ThreadCount.quota("max", period: "100000") == nil)  // cgroup v2, no limit
        #expect(ThreadCount.quota("-1", period: "100000") == nil)   // cgroup v1, no limit
        #expect(ThreadCount.quota("100000", period: "0") == nil)
    }

    /// The system calls count what Foundation counts, so replacing it changed no default.
    @Test func countsTheCPUsFoundationCounts() {
        #expect(ThreadCount.allowedCPUs() >= 1)
        if ThreadCount.cgroupQuota() == nil {
            #expect(ThreadCount.allowedCPUs() == ProcessInfo.processInfo.activeProcessorCount)
            #expect(ThreadCount.default == ProcessInfo.processInfo.activeProcessorCount)
        }
        #expect(ThreadCount.default <= ThreadCount.allowedCPUs())
    }
}
