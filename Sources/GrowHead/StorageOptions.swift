import ArgumentParser
import Foundation
import GrowBase
import ObjectStore

/// Where the object store is and who we are there: shared by the storage verbs. Each option
/// wins over the environment and the AWS files.
struct StorageOptions: ParsableArguments {
    @Option(
        help:
            "S3 endpoint URL, e.g. https://s3.waw3-1.cloudferro.com for CDSE (default: AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS)."
    )
    var endpoint: String?

    @Option(
        help:
            "Region, e.g. waw3-1 on CDSE or eu-central-1 on AWS (default: AWS_REGION, the profile's region, else us-east-1)."
    )
    var region: String?

    @Option(
        help:
            "Profile in ~/.aws/credentials and ~/.aws/config (default: AWS_PROFILE, else environment keys, else 'default')."
    )
    var profile: String?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Address buckets as https://endpoint/bucket (default: on with a custom endpoint, as CDSE needs; off on AWS)."
    )
    var pathStyle: Bool?

    func client(log: (@Sendable (String) -> Void)? = nil) throws -> S3Client {
        let config = try S3ConfigResolver.resolve(
            StorageSettings(profile: profile, region: region, endpoint: endpoint, pathStyle: pathStyle),
            environment: ProcessInfo.processInfo.environment,
            readFile: { try? String(contentsOfFile: $0, encoding: .utf8) })
        return S3Client(config: config, log: log)
    }
}

extension AsyncParsableCommand {
    /// Runs a storage verb: the user's mistakes (bad credentials, missing bucket, bad address)
    /// exit 2, failures of the store or network exit 1; both as one line on stderr.
    func reportingStorageErrors(_ body: () async throws -> Void) async throws {
        try await reportingUserErrors {
            do {
                try await body()
            } catch let error as S3Error {
                if !error.isRetryable { throw UserError(error.description) }
                FileHandle.standardError.write(Data("grow-head: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    func parseS3(_ text: String) throws -> S3URI {
        do { return try S3URI(parsing: text) } catch { throw UserError(error.description) }
    }
}

/// Sizes as people read them: 1023 B, 1.5 KiB, 12.3 MiB, 1.21 GiB.
enum ByteCount {
    static func format(_ bytes: UInt64) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes) / 1024
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return String(format: value < 10 ? "%.2f %@" : value < 100 ? "%.1f %@" : "%.0f %@", value, units[unit])
    }
}
