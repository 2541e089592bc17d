import Foundation

/// AWS's code and message from an error answer, in either protocol grow speaks. Pure.
package struct AWSErrorDetail: Sendable, Equatable {
    package var code: String
    package var message: String?

    package init(code: String, message: String? = nil) {
        self.code = code
        self.message = message
    }

    /// EC2's Query API: `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors>…`
    /// (other Query services: `<ErrorResponse><Error>…`).
    package static func query(_ body: [UInt8]) -> AWSErrorDetail? {
        guard body.contains(UInt8(ascii: "<")), let root = try? XMLTree.parse(body) else { return nil }
        let error = root.child("Errors")?.child("Error") ?? root.child("Error") ?? (root.name == "Error" ? root : nil)
        guard let error, let code = error.value("Code")?.trimmingSpaces, !code.isEmpty else { return nil }
        return AWSErrorDetail(code: code, message: error.value("Message")?.trimmingSpaces)
    }

    /// The JSON protocols (ECR): `{"__type": "prefix#Code", "message": "…"}`, or the code in the
    /// `x-amzn-ErrorType` header.
    package static func json(_ body: [UInt8], headers: [String: String]) -> AWSErrorDetail? {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let raw = (object?["__type"] as? String) ?? (object?["code"] as? String) ?? headers["x-amzn-errortype"]
        guard var code = raw else { return nil }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        let message = (object?["message"] as? String) ?? (object?["Message"] as? String)
        return AWSErrorDetail(code: code, message: message)
    }
}
