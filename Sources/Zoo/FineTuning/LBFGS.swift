import Foundation

/// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4, with `memory` correction pairs) and a
/// backtracking line search on the Armijo condition: full-batch, deterministic, and for a
/// linear head on fixed embeddings (a smooth convex loss) it reaches the optimum, which a
/// fixed number of mini-batch epochs does not.
enum LBFGS {
    struct Result {
        var parameters: [Double]
        var loss: Double
        /// Largest absolute component of the gradient at `parameters`.
        var gradientNorm: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimises `objective` (loss and gradient) from `start`, stopping when every gradient
    /// component is below `tolerance` in magnitude, when a step no longer lowers the loss, or
    /// after `maxIterations`.
    static func minimize(from start: [Double], maxIterations: Int, tolerance: Double, memory: Int = 10,
                         objective: ([Double]) -> (loss: Double, gradient: [Double])) -> Result {
        var x = start
        var (f, g) = objective(x)
        var pairs: [(s: [Double], y: [Double], rho: Double)] = []
        var iterations = 0
        while iterations < maxIterations {
            if maxAbs(g) <= tolerance { return Result(parameters: x, loss: f, gradientNorm: maxAbs(g), iterations: iterations, converged: true) }
            var direction = twoLoop(g, pairs).map { -$0 }
            var slope = dot(direction, g)
            if !(slope < 0) {
                // Not a descent direction (lost curvature information): start again from steepest descent.
                pairs.removeAll()
                direction = g.map { -$0 }
                slope = -dot(g, g)
            }
            // The first step has no curvature yet: scale it to a unit move.
            var step = pairs.isEmpty ? min(1, 1 / max(maxAbs(g), 1e-12)) : 1
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<60 {
                let candidate = zip(x, direction).map { $0 + step * $1 }
                let (fc, gc) = objective(candidate)
                if fc.isFinite, fc <= f + 1e-4 * step * slope { accepted = (candidate, fc, gc); break }
                step *= 0.5
            }
            guard let next = accepted else { break }
            iterations += 1
            let s = zip(next.x, x).map { $0 - $1 }
            let y = zip(next.g, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y).squareRoot() * dot(s, s).squareRoot() {
                pairs.append((s, y, 1 / sy))
                if pairs.count > memory { pairs.removeFirst() }
            }
            let improvement = f - next.f
            (x, f, g) = (next.x, next.f, next.g)
            if improvement <= 1e-16 * max(abs(f), 1) { break }
        }
        let norm = maxAbs(g)
        return Result(parameters: x, loss: f, gradientNorm: norm, iterations: iterations, converged: norm <= tolerance)
    }

    /// The inverse-Hessian approximation applied to `g` (the two-loop recursion).
    private static func twoLoop(_ g: [Double], _ pairs: [(s: [Double], y: [Double], rho: Double)]) -> [Double] {
        var q = g
        var alphas = [Double](repeating: 0, count: pairs.count)
        for i in pairs.indices.reversed() {
            alphas[i] = pairs[i].rho * dot(pairs[i].s, q)
            for j in q.indices { q[j] -= alphas[i] * pairs[i].y[j] }
        }
        if let last = pairs.last {
            let gamma = dot(last.s, last.y) / dot(last.y, last.y)
            for j in q.indices { q[j] *= gamma }
        }
        for i in pairs.indices {
            let beta = pairs[i].rho * dot(pairs[i].y, q)
            for j in q.indices { q[j] += (alphas[i] - beta) * pairs[i].s[j] }
        }
        return q
    }

    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    private static func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { max($0, abs($1)) } }
}
