import AWSCore
import GrowBase

/// Resolves an `S3Config` the way the AWS CLI does, with explicit settings first. Pure: the
/// environment and a file reader come in as arguments. The order (docs/storage.md):
///
/// - profile: setting › `AWS_PROFILE` › `default`
/// - credentials: the profile when the setting names one › `AWS_ACCESS_KEY_ID` +
///   `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) › the profile in `~/.aws/credentials` ›
///   the profile in `~/.aws/config` › the instance profile (on EC2, `InstanceMetadataEndpoint`)
///   › none (anonymous)
/// - region: setting › `AWS_REGION` › `AWS_DEFAULT_REGION` › profile `region` › `us-east-1`
/// - endpoint: setting › `AWS_ENDPOINT_URL_S3` › `AWS_ENDPOINT_URL` › profile `s3.endpoint_url`
///   › profile `endpoint_url` › `https://s3.REGION.amazonaws.com`
/// - path style: setting › profile `s3.addressing_style` › on for a custom endpoint, off for AWS
package enum S3ConfigResolver {
    package static func resolve(
        _ overrides: StorageSettings, environment: [String: String], readFile: (String) -> String?,
        options: S3Options = S3Options()
    ) throws(S3Error) -> S3Config {
        let env = AWSEnvironment(environment)
        let profileFiles = try AWSProfile.load(
            override: overrides.profile, overrideSetting: "the storage profile", environment: environment,
            readFile: readFile)
        let profile = profileFiles.name
        let configPath = profileFiles.configPath
        func profileValue(_ key: String) -> String? { profileFiles.value(key) }
        let credentials = try CredentialChain.resolve(
            profile: profileFiles, profileIsSetting: overrides.profile != nil, environment: environment)
        // Without keys, an instance profile (on EC2) before anonymous requests.
        let instanceMetadata =
            credentials == nil ? InstanceMetadataEndpoint.resolve(environment: environment, readFile: readFile) : nil

        // Region.
        let region =
            overrides.region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? profileValue("region") ?? "us-east-1"
        guard !region.isEmpty,
            region.utf8.allSatisfy({ byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-")
            })
        else {
            throw S3Error(
                .invalid, "region \"\(region)\"",
                "expected lower-case letters, digits and '-' (e.g. eu-central-1, waw3-1)")
        }

        // Endpoint and addressing.
        let endpointText =
            overrides.endpoint ?? env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"] ?? profileValue(
                "s3.endpoint_url")
            ?? profileValue("endpoint_url")
        let addressing = profileValue("s3.addressing_style")?.lowercased()
        let pathStyle = overrides.pathStyle ?? (addressing == "path" ? true : addressing == "virtual" ? false : nil)
        let endpoint: S3Endpoint
        if let endpointText {
            endpoint = try S3Endpoint(parsing: endpointText, pathStyle: pathStyle ?? true)
        } else {
            var aws = S3Endpoint.aws(region: region)
            aws.pathStyle = pathStyle ?? false
            endpoint = aws
        }
        let caBundle = env["AWS_CA_BUNDLE"] ?? profileValue("ca_bundle")

        // Transfer tuning the AWS CLI reads from the same profile (`s3 =` sub-settings).
        var options = options
        if let text = profileValue("s3.max_concurrent_requests") {
            guard let value = Int(text), (1...64).contains(value) else {
                throw S3Error(
                    .invalid, "profile \"\(profile)\" in \(configPath)",
                    "s3.max_concurrent_requests \"\(text)\" must be 1 to 64")
            }
            options.concurrency = value
        }
        for (key, minimum) in [
            ("s3.multipart_chunksize", MultipartPlan.minimumPartSize), ("s3.multipart_threshold", UInt64(1)),
        ] {
            guard let text = profileValue(key) else { continue }
            guard let value = parseSize(text), value >= minimum else {
                throw S3Error(
                    .invalid, "profile \"\(profile)\" in \(configPath)",
                    "\(key) \"\(text)\" must be a size like 8MB or 16MiB\(minimum > 1 ? " (at least 5MB)" : "")")
            }
            if key == "s3.multipart_chunksize" { options.partSize = value } else { options.multipartThreshold = value }
        }
        return S3Config(
            endpoint: endpoint, region: region, credentials: credentials, profile: profile, caBundle: caBundle,
            options: options, instanceMetadata: instanceMetadata)
    }

    /// `8388608`, `8MB`, `16MiB`, `1GB` (the AWS CLI reads MB as MiB, and so do we).
    static func parseSize(_ text: String) -> UInt64? {
        let trimmed = text.trimmingSpaces.uppercased()
        let digits = trimmed.prefix { $0.isNumber }
        guard let number = UInt64(digits) else { return nil }
        let unit = String(trimmed.dropFirst(digits.count)).trimmingSpaces
        let shift: UInt64? =
            switch unit {
            case "", "B": 0
            case "KB", "KIB": 10
            case "MB", "MIB": 20
            case "GB", "GIB": 30
            default: nil
            }
        guard let shift, number < (1 << (63 - shift)) else { return nil }
        return number << shift
    }
}
