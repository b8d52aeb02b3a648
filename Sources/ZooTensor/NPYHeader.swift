import Foundation

/// The three fields of a `.npy` header, parsed from its Python dict literal, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }`.
struct NPYHeader {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    static func parse(_ text: String, file: URL) throws -> NPYHeader {
        func fail(_ detail: String) -> NPYError { NPYError(file: file, detail: "bad header: \(detail)") }
        func value(of key: String) throws -> Substring {
            guard let keyRange = text.range(of: "'\(key)'") ?? text.range(of: "\"\(key)\"") else { throw fail("no '\(key)'") }
            let rest = text[keyRange.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw fail("no value for '\(key)'") }
            return rest.dropFirst().drop { $0 == " " }
        }
        let descrValue = try value(of: "descr")
        guard let quote = descrValue.first, quote == "'" || quote == "\"",
              let end = descrValue.dropFirst().firstIndex(of: quote) else { throw fail("descr is not a string") }
        let descr = String(descrValue[descrValue.index(after: descrValue.startIndex)..<end])

        let orderValue = try value(of: "fortran_order")
        let fortranOrder: Bool
        if orderValue.hasPrefix("False") { fortranOrder = false } else if orderValue.hasPrefix("True") { fortranOrder = true } else {
            throw fail("fortran_order is not True or False")
        }

        let shapeValue = try value(of: "shape")
        guard shapeValue.first == "(", let close = shapeValue.firstIndex(of: ")") else { throw fail("shape is not a tuple") }
        let inner = shapeValue[shapeValue.index(after: shapeValue.startIndex)..<close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let d = Int(trimmed), d >= 0 else { throw fail("shape entry '\(trimmed)' is not a non-negative integer") }
            shape.append(d)
        }
        return NPYHeader(descr: descr, fortranOrder: fortranOrder, shape: shape)
    }
}
