/// Hands out byte ranges of one activation arena, reusing freed ranges (best fit) so that
/// values whose lifetimes do not overlap share memory. The arena's size is `end`.
struct ArenaAllocator {
    static let alignment = 64
    private var free: [(offset: Int, size: Int)] = []  // sorted by offset, coalesced
    private(set) var end = 0

    mutating func allocate(_ bytes: Int) -> Int {
        let size = Self.aligned(max(bytes, 1))
        var best: Int?
        for (i, block) in free.enumerated() where block.size >= size {
            if best.map({ block.size < free[$0].size }) ?? true { best = i }
        }
        if let i = best {
            let offset = free[i].offset
            if free[i].size == size { free.remove(at: i) } else { free[i] = (offset + size, free[i].size - size) }
            return offset
        }
        // Grow the arena, starting inside a free block that already touches its end.
        if let last = free.last, last.offset + last.size == end {
            free.removeLast()
            end = last.offset + size
            return last.offset
        }
        defer { end += size }
        return end
    }

    mutating func release(offset: Int, bytes: Int) {
        let size = Self.aligned(max(bytes, 1))
        let i = free.firstIndex { $0.offset > offset } ?? free.count
        free.insert((offset, size), at: i)
        if i + 1 < free.count, free[i].offset + free[i].size == free[i + 1].offset {
            free[i].size += free[i + 1].size
            free.remove(at: i + 1)
        }
        if i > 0, free[i - 1].offset + free[i - 1].size == free[i].offset {
            free[i - 1].size += free[i].size
            free.remove(at: i)
        }
    }

    static func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }
}
