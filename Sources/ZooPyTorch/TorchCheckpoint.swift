import Foundation
import ZooTensor

/// A PyTorch state dict read from a `.pth`/`.pt` file, in either layout `torch.load` accepts:
/// the zip archive (`*/data.pkl` + `*/data/<key>`, torch >= 1.6) or the legacy stream (magic
/// number, protocol, sys-info and state-dict pickles, storage keys, then the raw storages).
/// The pickles go through `PickleReader`, which runs nothing.
public struct TorchCheckpoint: Sendable {
    /// The file read.
    public let file: URL
    /// Tensors in the file's order, names as the model's `state_dict()` has them (a DataParallel
    /// `module.` prefix removed, `num_batches_tracked` counters dropped).
    public let tensors: [(name: String, tensor: Tensor)]

    /// The tensor called `name`, or nil.
    public subscript(name: String) -> Tensor? { tensors.first { $0.name == name }?.tensor }

    /// Reads a checkpoint in either layout; throws `CheckpointError` naming the file and the problem.
    public static func load(_ url: URL) throws -> TorchCheckpoint {
        func fail(_ detail: String) -> CheckpointError { CheckpointError(file: url, detail: detail) }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else { throw fail("no such file") }
        guard !isDir.boolValue else { throw fail("is a folder, not a checkpoint") }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch { throw fail("cannot be read: \(error.localizedDescription)") }
        let head = [UInt8](data.prefix(4))
        do {
            let (root, storages): (PickleValue, StorageSource)
            if head == [0x50, 0x4B, 0x03, 0x04] {
                (root, storages) = try ZipCheckpoint.read(url: url)
            } else if head.first == 0x80 {
                (root, storages) = try LegacyCheckpoint.read(data: data)
            } else if head.isEmpty {
                throw fail("empty file")
            } else if GitLFSPointer.matches(data.prefix(64)) {
                throw fail(GitLFSPointer.explanation(.model))
            } else {
                throw fail("not a PyTorch checkpoint (neither a zip archive nor a pickle)")
            }
            return TorchCheckpoint(file: url, tensors: try stateDict(root, storages: storages))
        } catch let error as PickleError {
            throw fail("\(error.detail) (at byte \(error.offset) of the pickle)")
        } catch let error as CheckpointError {
            // Errors from the layers below carry no file; name it here, once.
            throw fail(error.detail)
        }
    }

    /// The tensors of the state dict, unwrapped from `{"state_dict": ...}` or `{"model": ...}`.
    static func stateDict(_ root: PickleValue, storages: StorageSource) throws -> [(name: String, tensor: Tensor)] {
        guard case .dict(var dict) = root else { throw CheckpointError("holds a \(root.kind), not a state dict") }
        for wrapper in ["state_dict", "model"] {
            if case .dict(let inner)? = dict.value(forKey: wrapper) { dict = inner; break }
        }
        var out: [(name: String, tensor: Tensor)] = []
        for (key, value) in zip(dict.keys, dict.values) {
            guard case .string(var name) = key, case .tensor(let ref) = value else { continue }
            if name.hasSuffix("num_batches_tracked") { continue }
            if name.hasPrefix("module.") { name.removeFirst("module.".count) }
            out.append((name, try storages.materialize(ref, name: name)))
        }
        guard !out.isEmpty else { throw CheckpointError("contains no tensors") }
        return out
    }
}

/// A checkpoint that cannot be read, naming the file and the problem.
public struct CheckpointError: Error, CustomStringConvertible {
    /// The checkpoint file.
    public let file: URL
    /// What is wrong with it.
    public let detail: String
    /// The error in one line, naming the file.
    public var description: String { "\(file.lastPathComponent): \(detail)" }
    init(file: URL, detail: String) { self.file = file; self.detail = detail }
    init(_ detail: String) { file = URL(fileURLWithPath: ""); self.detail = detail }
}
