import Foundation
import Testing
import Zoo
import ZooTestSupport

/// Fine-tuning end to end on generated images (coloured circles and squares on noisy
/// backgrounds, see `ShapeImages`) over a small fixed backbone that sees edges and colour.
@Suite struct FineTuningSyntheticTests {
    /// One full `fit` from images: split, cached embeddings, training, early stopping.
    static func train(_ data: ImageFolderDataset, threads: Int) throws -> (FineTunedModel, TrainingReport) {
        var tuned = try FineTuningFixtures.edgeBackbone(threads: threads).replacingHead(classes: data.classes, hidden: [32], seed: 1)
        let report = try tuned.fit(data, epochs: 100, batchSize: 16, optimizer: .adam(lr: 0.01), validationSplit: 0.25,
                                   seed: 1, patience: 10)
        return (tuned, report)
    }

    @Test func learnsShapesAndColoursReproducibly() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 100)
        let (tuned, report) = try Self.train(data, threads: 2)
        print("synthetic shapes: validation accuracy \(report.final.accuracy) after \(report.epochs.count) epochs (best \(report.bestEpoch))")
        #expect(report.evaluatedOn == "validation")
        #expect(report.trainCounts == [75, 75, 75, 75] && report.validationCounts == [25, 25, 25, 25])
        #expect(report.final.count == 100)
        #expect(report.final.accuracy >= 0.95, "validation accuracy \(report.final.accuracy), confusion \(report.final.confusion)")
        #expect(report.final.precision.allSatisfy { $0 >= 0.85 } && report.final.recall.allSatisfy { $0 >= 0.85 })

        // The kept weights are those of the epoch with the lowest validation loss.
        let best = report.epochs.min { $0.validationLoss! < $1.validationLoss! }!
        #expect(report.bestEpoch == best.epoch)
        // (The final figure is measured on raw embeddings, after the scaling is folded into the head.)
        #expect(abs(report.final.loss - best.validationLoss!) < 1e-8)
        if report.stoppedEarly { #expect(report.epochs.count == report.bestEpoch + 10) }

        // The same seed gives the same weights, with another thread count too.
        let (again, secondReport) = try Self.train(data, threads: 1)
        #expect(again.head.parameters == tuned.head.parameters)
        #expect(secondReport.epochs == report.epochs)
    }

    @Test func augmentedTrainingIsDeterministicAndEmbedsEveryEpoch() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 6, seed: 4)
        func run() throws -> ([Double], [TrainingEvent]) {
            var events: [TrainingEvent] = []
            var tuned = try FineTuningFixtures.edgeBackbone().replacingHead(classes: data.classes, dropout: 0.2)
            try tuned.fit(data, epochs: 3, batchSize: 4, validationSplit: 0.34, seed: 9, augment: .standard, patience: nil) { events.append($0) }
            return (tuned.head.parameters, events)
        }
        let (a, events) = try run()
        let (b, _) = try run()
        #expect(a == b)
        // Validation (2 per class) embedded once, the 16 training images once per epoch.
        let finished = events.compactMap { e -> Int? in
            if case let .embedding(done, total) = e, done == total { return total }
            return nil
        }
        #expect(finished == [8, 16, 16, 16])
        #expect(events.filter { if case .epoch = $0 { true } else { false } }.count == 3)
    }

    @Test func balancedClassWeightsFollowTheTrainingCounts() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 10, seed: 5)
        let keep = data.samples.indices.filter { data.samples[$0].label != 1 || $0 % 10 < 2 }
        var tuned = try FineTuningFixtures.edgeBackbone().replacingHead(classes: data.classes)
        let report = try tuned.fit(data.subset(keep), epochs: 2, optimizer: .adam(), validationSplit: 0, classWeights: .balanced)
        #expect(report.trainCounts == [10, 2, 10, 10])
        let n = 32.0
        #expect(report.settings.classWeights == [n / 40, n / 8, n / 40, n / 40])
        #expect(report.evaluatedOn == "training" && report.bestEpoch == 2)
    }

    @Test func earlyStoppingKeepsTheBestEpochsWeights() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 8, seed: 6)
        let base = try FineTuningFixtures.edgeBackbone()
        let embedded = try base.replacingHead(classes: data.classes).embeddings(of: data)
        // Validation labels that contradict the training labels: as the head fits the
        // training data, the validation loss soon turns upwards.
        let contrary = EmbeddedDataset(classes: embedded.classes, dimension: embedded.dimension, features: embedded.features,
                                       labels: embedded.labels.map { ($0 + 1) % 4 })
        func train(epochs: Int) throws -> (FineTunedModel, TrainingReport) {
            var tuned = try base.replacingHead(classes: data.classes, seed: 3)
            let report = try tuned.fit(embedded, validation: contrary, epochs: epochs, optimizer: .adam(lr: 0.01), seed: 3, patience: 3)
            return (tuned, report)
        }
        let (tuned, report) = try train(epochs: 50)
        let losses = report.epochs.map { $0.validationLoss! }
        #expect(report.stoppedEarly && report.epochs.count == report.bestEpoch + 3, "validation losses \(losses)")
        #expect(report.bestEpoch == report.epochs[losses.firstIndex(of: losses.min()!)!].epoch)
        // Training stops after the same epochs whatever the limit, so a run cut at the best
        // epoch ends with the weights the early-stopped run kept.
        let (cut, _) = try train(epochs: report.bestEpoch)
        #expect(cut.head.parameters == tuned.head.parameters, "the kept weights are not the best epoch's")
    }

    @Test func badArgumentsAreErrors() throws {
        let data = try FineTuningFixtures.shapesDataset(perClass: 3, seed: 8)
        let base = try FineTuningFixtures.edgeBackbone()
        var tuned = try base.replacingHead(classes: data.classes)
        #expect(throws: FineTuningError.self) { try tuned.fit(data, epochs: 0) }
        #expect(throws: FineTuningError.self) { try tuned.fit(data, validationSplit: 1) }
        #expect(throws: FineTuningError.self) { try tuned.fit(data, optimizer: .adam(lr: -1)) }
        #expect(throws: FineTuningError.self) { try base.replacingHead(classes: ["only"]) }
        #expect(throws: FineTuningError.self) { try base.replacingHead(classes: ["a", "a"]) }
        #expect(throws: FineTuningError.self) { try base.replacingHead(classes: ["a", "b"], dropout: 1) }
        var other = try base.replacingHead(classes: ["cat", "dog"])
        #expect(throws: FineTuningError.self) { try other.fit(data) }
        let noEmbedding = try Model(graph: ShapeImages.edgeFeatureGraph(), pipeline: FineTuningFixtures.pipeline)
        #expect(throws: FineTuningError.self) { try noEmbedding.replacingHead(classes: ["a", "b"]) }
    }
}
