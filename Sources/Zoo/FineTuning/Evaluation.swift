import Foundation

/// How a classifier did on labelled data: the confusion matrix and what follows from it.
public struct Evaluation: Sendable, Hashable, Codable {
    /// The class names, in label order.
    public let classes: [String]
    /// `confusion[true][predicted]`: how many samples of class `true` were predicted `predicted`.
    public let confusion: [[Int]]
    /// Mean softmax cross-entropy (unweighted, no regularisation); 0 for no samples.
    public let loss: Double

    /// An evaluation from its confusion matrix and mean loss.
    public init(classes: [String], confusion: [[Int]], loss: Double) {
        self.classes = classes; self.confusion = confusion; self.loss = loss
    }

    /// From logits `[n, C]` row-major and the true labels; ties go to the lower class index.
    init(classes: [String], labels: [Int], logits: [Double]) {
        let c = classes.count
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: c), count: c)
        var loss = 0.0
        for (r, label) in labels.enumerated() {
            let row = logits[(r * c)..<((r + 1) * c)]
            let top = row.max()!
            let predicted = row.firstIndex(of: top)! - r * c
            confusion[label][predicted] += 1
            loss += log(row.reduce(0) { $0 + exp($1 - top) }) + top - row[r * c + label]
        }
        self.init(classes: classes, confusion: confusion, loss: labels.isEmpty ? 0 : loss / Double(labels.count))
    }

    /// Number of samples evaluated.
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    /// Number of samples predicted as their true class.
    public var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
    /// Correct / all; 0 for no samples.
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }

    /// Per class: of the samples predicted as it, the fraction that were (0 when none were
    /// predicted as it, as scikit-learn's `zero_division=0`).
    public var precision: [Double] {
        classes.indices.map { j in
            let predicted = confusion.reduce(0) { $0 + $1[j] }
            return predicted == 0 ? 0 : Double(confusion[j][j]) / Double(predicted)
        }
    }

    /// Per class: of its samples, the fraction predicted as it (0 for a class with no samples).
    public var recall: [Double] {
        classes.indices.map { i in
            let actual = confusion[i].reduce(0, +)
            return actual == 0 ? 0 : Double(confusion[i][i]) / Double(actual)
        }
    }
}
