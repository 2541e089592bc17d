import ArgumentParser
import Foundation
import ObjectStore

/// `grow-head storage grant s3://bucket`: what CDSE's guide does with a boto3 script.
struct StorageGrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Let Sentinel Hub read and write a bucket (sets the bucket policy CDSE's guide sets).",
        discussion: """
            Puts a bucket policy that allows Sentinel Hub's account \
            (arn:aws:iam::\(SentinelHubPolicy.principal):root) to get the bucket location, list \
            the bucket, and get and put its objects; then reads the policy back and prints it. \
            An existing policy on the bucket is replaced.

            On CDSE, with the EC2 credentials of your container in ~/.aws/credentials:

              export AWS_ENDPOINT_URL=https://s3.waw3-1.cloudferro.com
              grow-head storage grant s3://my-container

            Use --print-only to see the policy without setting it.
            """
    )

    @Argument(help: "The bucket, as s3://bucket.") var bucket: String
    @OptionGroup var storage: StorageOptions
    @Flag(help: "Print the policy that would be set, and set nothing.") var printOnly = false

    func run() async throws {
        try await reportingStorageErrors {
            let uri = try parseS3(bucket)
            guard uri.key.isEmpty else {
                throw UserError("grant applies to a whole bucket: give s3://\(uri.bucket), not a prefix")
            }
            let policy = SentinelHubPolicy.document(bucket: uri.bucket)
            if printOnly {
                print(policy)
                return
            }
            let client = try storage.client()
            try client.putBucketPolicy(bucket: uri.bucket, policy: policy)
            let stored = try client.getBucketPolicy(bucket: uri.bucket)
            print(Self.pretty(stored))
            guard Self.sameJSON(stored, policy) else {
                FileHandle.standardError.write(
                    Data(
                        "grow-head: the policy read back from s3://\(uri.bucket) differs from the one set (printed above)\n"
                            .utf8))
                throw ExitCode(1)
            }
            FileHandle.standardError.write(
                Data("granted Sentinel Hub access to s3://\(uri.bucket) at \(client.config.endpoint)\n".utf8))
        }
    }

    static func sameJSON(_ a: String, _ b: String) -> Bool {
        guard let first = try? JSONSerialization.jsonObject(with: Data(a.utf8)) as? NSDictionary,
            let second = try? JSONSerialization.jsonObject(with: Data(b.utf8)) as? NSDictionary
        else { return false }
        return first == second
    }

    static func pretty(_ json: String) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
            let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        else { return json }
        return String(decoding: data, as: UTF8.self)
    }
}
