import ArgumentParser
import Foundation
import Zoo

/// `zoo finetune`: replace a model's head and train it on an ImageFolder tree.
struct FinetuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Replace a model's head and train it on an ImageFolder tree (DIR/class_name/images).",
        discussion: """
            The backbone stays frozen: each image goes through it once (every epoch with --augment) and only \
            the new head (--hidden Dense+ReLU layers, then Dense + softmax) is trained, on standardised \
            embeddings with an L2 penalty (by default scikit-learn's LogisticRegression C=1). A stratified \
            --val-split of each class is held out. The default optimizer, lbfgs, trains on all the training \
            embeddings at once to the optimum of that loss; adam and sgd (the default with --augment or \
            --dropout) train in mini-batches and stop when the validation loss has not improved for \
            --patience epochs, keeping the best epoch's weights. The result loads like any .zoo model: \
            `zoo predict --model OUT.zoo IMAGE` prints the new class names.
            """)

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "The dataset folder: one sub-folder of images (JPEG, PNG, WebP, TIFF, GIF, BMP) per class.")
    var data: String

    @Option(name: .long, help: "Most epochs to train (adam, sgd).")
    var epochs = 20

    @Option(name: .customLong("max-iter"), help: "Most L-BFGS iterations (lbfgs).")
    var maxIterations = 1000

    @Option(name: .long, help: "Learning rate.")
    var lr = 1e-3

    @Option(name: .customLong("val-split"), help: "Fraction of each class held out for validation (0 for none).")
    var valSplit = 0.2

    @Option(name: .long, help: "Width of a hidden Dense+ReLU layer before the classifier (repeat for more).")
    var hidden: [Int] = []

    @Option(name: .long, help: "Dropout on each Dense layer's input while training.")
    var dropout = 0.0

    @Option(name: .customLong("batch-size"), help: "Mini-batch size.")
    var batchSize = 32

    @Option(name: .long, help: "lbfgs, adam or sgd (with --momentum). Default: lbfgs, or adam with --augment or --dropout.")
    var optimizer: String?

    @Option(name: .long, help: "Momentum for sgd.")
    var momentum = 0.9

    @Option(name: .customLong("weight-decay"), help: "L2 penalty on the head's kernels, per unit of mean loss. Default: 1 / (training images), as scikit-learn's LogisticRegression(C=1).")
    var weightDecay: Double?

    @Option(name: .long, help: "Epochs without a better validation loss before stopping (0: never stop early).")
    var patience = 5

    @Option(name: .long, help: "Seed for the split, the initial weights, shuffling, dropout and augmentation.")
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Weigh classes inversely to their frequency (for imbalanced folders).")
    var balanced = false

    @Flag(name: .long, help: "Random flips and crops of the training images (embeds them anew each epoch).")
    var augment = false

    @Option(name: .shortAndLong, help: "The .zoo file to write.")
    var output: String

    func validate() throws {
        guard output.hasSuffix(".zoo") else { throw ValidationError("-o must name a .zoo file, got \(output)") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number") }
        guard (0..<1).contains(valSplit) else { throw ValidationError("--val-split must be in [0, 1)") }
        guard hidden.allSatisfy({ $0 >= 1 }) else { throw ValidationError("--hidden widths must be at least 1") }
        guard (0..<1).contains(dropout) else { throw ValidationError("--dropout must be in [0, 1)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard ["lbfgs", "adam", "sgd"].contains(chosenOptimizer) else {
            throw ValidationError("--optimizer must be lbfgs, adam or sgd, got \(chosenOptimizer)")
        }
        if chosenOptimizer == "lbfgs", augment { throw ValidationError("--augment needs --optimizer adam or sgd") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iter must be at least 1") }
        guard (0..<1).contains(momentum) else { throw ValidationError("--momentum must be in [0, 1)") }
        if let weightDecay, !(weightDecay >= 0 && weightDecay.isFinite) { throw ValidationError("--weight-decay must be a non-negative number") }
        guard patience >= 0 else { throw ValidationError("--patience must be at least 0") }
    }

    /// The optimizer asked for, else L-BFGS unless the data or the head change every epoch
    /// (the library's rule too).
    var chosenOptimizer: String { optimizer ?? (augment || dropout > 0 ? "adam" : "lbfgs") }

    func run() throws {
        try OutputFile.check(output, inputs: [data] + [options.model, options.weights].compactMap { $0 }, kind: .other)
        let dataset = try ImageFolderDataset(folder: URL(fileURLWithPath: data))
        for file in dataset.skipped {
            FileHandle.standardError.write(Data("zoo: warning: \(file.path): skipped (\(file.reason))\n".utf8))
        }
        let model = try options.load()
        let counts = zip(dataset.classes, dataset.classCounts).map { "\($0) \($1)" }.joined(separator: ", ")
        print("Dataset: \(dataset.samples.count) images in \(dataset.classes.count) classes (\(counts))")
        print("Model: \(model.name), head \(([model.embeddingLayer ?? "?"] + hidden.map(String.init) + ["\(dataset.classes.count)"]).joined(separator: " -> "))")

        var tuned = try model.replacingHead(classes: dataset.classes, hidden: hidden, dropout: dropout, seed: seed)
        let bar = StepProgressBar(label: "embedding")
        let report = try tuned.fit(
            dataset, epochs: epochs, batchSize: batchSize,
            optimizer: chosenOptimizer == "sgd" ? .sgd(lr: lr, momentum: momentum)
                : chosenOptimizer == "adam" ? .adam(lr: lr) : .lbfgs(maxIterations: maxIterations),
            weightDecay: weightDecay, validationSplit: valSplit, seed: seed, augment: augment ? .standard : .none,
            classWeights: balanced ? .balanced : .uniform, patience: patience == 0 ? nil : patience
        ) { event in
            switch event {
            case let .embedding(done, total):
                bar.update(done, of: total)
                if done == total { bar.finish() }
            case .epoch(let e):
                if chosenOptimizer != "lbfgs" { print(Self.line(e, of: epochs)) }
            }
        }
        if let solver = report.solver {
            print("L-BFGS: \(solver.converged ? "converged" : "stopped, not converged,") after \(solver.iterations) iterations, "
                  + "loss \(Self.fixed(solver.loss)), largest gradient component \(String(format: "%.2e", solver.gradientNorm))")
        }
        print(Self.summary(report))
        try tuned.save(to: URL(fileURLWithPath: output))
        print("Wrote \(output)")
    }

    /// `epoch  3/20  loss 0.4213  accuracy 0.9120  val_loss 0.3012  val_accuracy 0.9500`.
    static func line(_ e: TrainingReport.Epoch, of total: Int) -> String {
        let width = String(total).count
        var text = "epoch \(String(repeating: " ", count: width - String(e.epoch).count))\(e.epoch)/\(total)"
            + "  loss \(fixed(e.trainLoss))  accuracy \(fixed(e.trainAccuracy))"
        if let loss = e.validationLoss, let accuracy = e.validationAccuracy {
            text += "  val_loss \(fixed(loss))  val_accuracy \(fixed(accuracy))"
        }
        return text
    }

    /// The final report: which epoch was kept, accuracy, per-class precision and recall, and
    /// the confusion matrix (rows: true class, columns: predicted).
    static func summary(_ report: TrainingReport) -> String {
        let e = report.final
        var lines = [""]
        let kept = report.stoppedEarly ? "stopped early; weights of epoch \(report.bestEpoch)" : "weights of epoch \(report.bestEpoch)"
        lines.append("\(report.evaluatedOn.prefix(1).uppercased() + report.evaluatedOn.dropFirst()) (\(e.count) images, \(kept)): "
                     + "accuracy \(fixed(e.accuracy)), loss \(fixed(e.loss))")
        let nameWidth = max(5, e.classes.map(\.count).max() ?? 5)
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        lines.append(pad("class", nameWidth) + "  precision  recall  images")
        let recall = e.recall, precision = e.precision
        for (i, name) in e.classes.enumerated() {
            lines.append(pad(name, nameWidth) + "  " + pad(fixed(precision[i]), 9) + "  " + pad(fixed(recall[i]), 6) + "  "
                         + pad(String(e.confusion[i].reduce(0, +)), 6, right: true))
        }
        lines.append("")
        lines.append("Confusion matrix (rows: true class, columns: predicted)")
        let cell = max(nameWidth, 5)
        lines.append(pad("", nameWidth) + e.classes.map { "  " + pad($0, cell, right: true) }.joined())
        for (i, name) in e.classes.enumerated() {
            lines.append(pad(name, nameWidth) + e.confusion[i].map { "  " + pad(String($0), cell, right: true) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    static func fixed(_ x: Double) -> String { String(format: "%.4f", x) }
}
