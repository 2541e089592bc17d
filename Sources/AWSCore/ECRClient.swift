import Foundation

/// ECR's `GetAuthorizationToken` (JSON 1.1 with `X-Amz-Target`): the user and password
/// `docker login` needs for the account's registry.
package final class ECRClient: Sendable {
    package let service: AWSServiceClient

    package struct Login: Sendable, Equatable, CustomStringConvertible {
        package var user: String
        package var password: String
        /// `https://ACCOUNT.dkr.ecr.REGION.amazonaws.com`.
        package var registry: String
        /// Unix milliseconds.
        package var expiresAt: UInt64?

        package var description: String { "login \(user) for \(registry) (password hidden)" }
    }

    package init(config: AWSServiceConfig, log: (@Sendable (String) -> Void)? = nil) {
        self.service = AWSServiceClient(config: config, log: log)
    }

    package func authorizationToken() throws(AWSError) -> Login {
        let operation = "GetAuthorizationToken"
        let response = try service.post(
            operation: operation, body: Array("{}".utf8),
            headers: [
                ("Content-Type", "application/x-amz-json-1.1"),
                ("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.\(operation)"),
            ], errors: .json)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let data = (object["authorizationData"] as? [[String: Any]])?.first,
            let token = data["authorizationToken"] as? String,
            let decoded = Data(base64Encoded: token).map({ String(decoding: $0, as: UTF8.self) }),
            let colon = decoded.firstIndex(of: ":")
        else {
            throw AWSError(.failed, service.subject(operation), "the answer has no authorizationToken user:password")
        }
        let expires = (data["expiresAt"] as? Double).map { UInt64($0 * 1000) }
        return Login(
            user: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]),
            registry: data["proxyEndpoint"] as? String ?? "", expiresAt: expires)
    }
}
