import Foundation

/// The instance profile's credentials as IMDS serves them at
/// `/latest/meta-data/iam/security-credentials/ROLE` (`Code`, `AccessKeyId`, `SecretAccessKey`,
/// `Token`, `Expiration` in ISO 8601). Pure.
package enum InstanceProfileDocument {
    package static func credentials(_ body: [UInt8], role: String) throws(AWSError) -> AWSCredentials {
        let subject = "the instance profile (role \(role))"
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw AWSError(.failed, subject, "the metadata service sent credentials that are not a JSON object")
        }
        if let code = object["Code"] as? String, code != "Success" {
            throw AWSError(.failed, subject, "the metadata service reports \(code) for the role's credentials")
        }
        guard let key = object["AccessKeyId"] as? String, let secret = object["SecretAccessKey"] as? String,
            !key.isEmpty, !secret.isEmpty
        else {
            throw AWSError(
                .failed, subject, "the metadata service sent credentials without AccessKeyId or SecretAccessKey")
        }
        var expiration: UInt64?
        if let text = object["Expiration"] as? String {
            guard let parsed = AWSTime.unixMilliseconds(iso8601: text) else {
                throw AWSError(.failed, subject, "the credentials' Expiration \"\(text)\" is not an ISO 8601 time")
            }
            expiration = parsed
        }
        return AWSCredentials(
            accessKeyID: key, secretAccessKey: secret, sessionToken: object["Token"] as? String,
            source: .instanceProfile(role: role), expiration: expiration)
    }
}
