import Testing
import Zoo

/// `Shard`: `I/N` parsing and the partition it makes of a list.
@Suite struct ShardTests {
    @Test func everyPositionLandsInExactlyOneOfNShards() throws {
        for count in 1...9 {
            let shards = try (0..<count).map { try Shard(index: $0, count: count) }
            var seen = [Int](repeating: 0, count: 101)
            for shard in shards {
                let taken = Array(shard.select(0..<101).map(\.position))
                #expect(taken == taken.sorted(), "\(shard) keeps list order")
                for position in taken { seen[position] += 1 }
                #expect(taken.allSatisfy { shard.contains(position: $0) })
            }
            #expect(seen.allSatisfy { $0 == 1 }, "N=\(count): every line exactly once across the shards")
        }
    }

    @Test func selectKeepsEachItemWithItsPositionInTheWholeList() throws {
        let picked = try Shard(parsing: "1/3").select(["a", "b", "c", "d", "e"])
        #expect(Array(picked.map(\.position)) == [1, 4])
        #expect(Array(picked.map(\.element)) == ["b", "e"])
        #expect(Array(Shard.whole.select(["a", "b"]).map(\.element)) == ["a", "b"])
    }

    @Test func parsesIOverN() throws {
        let shard = try Shard(parsing: "3/8")
        #expect(shard.index == 3 && shard.count == 8 && shard.description == "3/8")
        #expect(try Shard(parsing: "0/1") == .whole)
    }

    @Test(arguments: ["3/3", "-1/2", "1/0", "1", "a/b", "1/2/3", "", "/2", "1/"])
    func refusesWhatIsNotIOverN(text: String) {
        #expect(throws: ZooError.self) { try Shard(parsing: text) }
    }

    @Test func errorsSayWhatIsExpected() {
        #expect(throws: (any Error).self) { try Shard(parsing: "3/3") }
        do { _ = try Shard(parsing: "3/3") } catch { #expect("\(error)".contains("0 <= I < N"), "\(error)") }
        do { _ = try Shard(parsing: "x") } catch { #expect("\(error)".contains("expected I/N"), "\(error)") }
    }
}
