import Foundation

/// The parts of a `multipart/form-data` body (RFC 7578), enough to take out one file field:
/// each part's name, file name and bytes. Bodies are already bounded by the size limit.
struct MultipartForm {
    struct Part {
        var name: String
        var filename: String?
        var data: Data
    }

    var parts: [Part]

    /// Splits `body` at the boundary named in `contentType`; 400 for a malformed form.
    init(body: Data, contentType: String) throws {
        guard let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty else {
            throw ServeError.badRequest("multipart/form-data without a boundary")
        }
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var parts: [Part] = []
        guard var cursor = body.range(of: delimiter)?.upperBound else {
            throw ServeError.badRequest("multipart body: the boundary does not occur")
        }
        while true {
            // After a delimiter: "--" closes the form, CRLF starts a part.
            if body[cursor...].starts(with: Data("--".utf8)) { break }
            guard let headersRange = body.range(of: headerEnd, in: cursor..<body.endIndex) else {
                throw ServeError.badRequest("multipart body: a part has no end of headers")
            }
            let headers = String(decoding: body[cursor..<headersRange.lowerBound], as: UTF8.self)
            guard let next = body.range(of: Data("\r\n".utf8) + delimiter, in: headersRange.upperBound..<body.endIndex) else {
                throw ServeError.badRequest("multipart body: a part is not closed by the boundary")
            }
            let disposition = headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-disposition:") }.map(String.init) ?? ""
            parts.append(Part(name: Self.parameter("name", in: disposition) ?? "", filename: Self.parameter("filename", in: disposition),
                              data: Data(body[headersRange.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        self.parts = parts
    }

    /// The first part called `name`.
    func part(named name: String) -> Part? { parts.first { $0.name == name } }

    /// `key=value` or `key="value"` from a header's `;`-separated parameters.
    static func parameter(_ key: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
