import Foundation
import Testing
@testable import ZooTensor

@Suite struct SystemFileTests {
    @Test func firstLineOrNil() throws {
        #expect(systemFileFirstLine("/nonexistent/cpu.max") == nil)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-cpu-max-\(UUID().uuidString)")
        try Data("300000 100000\nsecond\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(systemFileFirstLine(file.path) == "300000 100000")
    }

    /// Physical memory from sysconf is what Foundation reports, so the default budget did not move.
    @Test func defaultBudgetIsAShareOfWhatFoundationSees() {
        let physical = Int(ProcessInfo.processInfo.physicalMemory)
        let expected = Int(Double(min(physical, MemoryBudget.cgroupLimit() ?? physical)) * MemoryBudget.defaultFraction)
        #expect(MemoryBudget.systemDefault().bytes == expected)
    }
}
