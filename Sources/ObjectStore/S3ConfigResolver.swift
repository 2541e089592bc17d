import GrowBase

/// Resolves an `S3Config` the way the AWS CLI does, with explicit settings first. Pure: the
/// environment and a file reader come in as arguments. The order (docs/storage.md):
///
/// - profile: setting › `AWS_PROFILE` › `default`
/// - credentials: the profile when the setting names one › `AWS_ACCESS_KEY_ID` +
///   `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) › the profile in `~/.aws/credentials` ›
///   the profile in `~/.aws/config` › none (anonymous)
/// - region: setting › `AWS_REGION` › `AWS_DEFAULT_REGION` › profile `region` › `us-east-1`
/// - endpoint: setting › `AWS_ENDPOINT_URL_S3` › `AWS_ENDPOINT_URL` › profile `s3.endpoint_url`
///   › profile `endpoint_url` › `https://s3.REGION.amazonaws.com`
/// - path style: setting › profile `s3.addressing_style` › on for a custom endpoint, off for AWS
package enum S3ConfigResolver {
    package static func resolve(
        _ overrides: StorageSettings, environment: [String: String], readFile: (String) -> String?,
        options: S3Options = S3Options()
    ) throws(S3Error) -> S3Config {
        func env(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingSpaces, !value.isEmpty else { return nil }
            return value
        }
        let home = env("HOME") ?? "~"
        let credentialsPath = env("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials"
        let configPath = env("AWS_CONFIG_FILE") ?? "\(home)/.aws/config"
        let credentialsFile = readFile(credentialsPath).map { AWSConfigFile(parsing: $0, isConfigFile: false) }
        let configFile = readFile(configPath).map { AWSConfigFile(parsing: $0, isConfigFile: true) }

        let profile = overrides.profile ?? env("AWS_PROFILE") ?? "default"
        let profileSetting = overrides.profile != nil ? "the storage profile" : "AWS_PROFILE"
        let profileNamed = overrides.profile != nil || env("AWS_PROFILE") != nil
        let profileExists = credentialsFile?.hasProfile(profile) == true || configFile?.hasProfile(profile) == true
        if profileNamed, !profileExists {
            throw S3Error(
                .invalid, "profile \"\(profile)\"",
                "not found in \(credentialsPath) or \(configPath) (named by \(profileSetting))")
        }
        func profileValue(_ key: String) -> String? {
            configFile?.value(key, profile: profile) ?? credentialsFile?.value(key, profile: profile)
        }

        // Credentials.
        var credentials: S3Credentials?
        let fromProfile: () throws(S3Error) -> S3Credentials? = { () throws(S3Error) -> S3Credentials? in
            for (file, path) in [(credentialsFile, credentialsPath), (configFile, configPath)] {
                guard let file else { continue }
                let key = file.value("aws_access_key_id", profile: profile)
                let secret = file.value("aws_secret_access_key", profile: profile)
                if key == nil, secret == nil { continue }
                guard let key, let secret else {
                    throw S3Error(
                        .invalid, "profile \"\(profile)\" in \(path)",
                        "has \(key == nil ? "aws_secret_access_key but no aws_access_key_id" : "aws_access_key_id but no aws_secret_access_key")"
                    )
                }
                return S3Credentials(
                    accessKeyID: key, secretAccessKey: secret,
                    sessionToken: file.value("aws_session_token", profile: profile),
                    source: .profile(name: profile, file: path))
            }
            return nil
        }
        if overrides.profile != nil {
            credentials = try fromProfile()
            if credentials == nil {
                throw S3Error(
                    .invalid, "profile \"\(profile)\"",
                    "has no aws_access_key_id / aws_secret_access_key in \(credentialsPath) or \(configPath)")
            }
        } else if env("AWS_ACCESS_KEY_ID") != nil || env("AWS_SECRET_ACCESS_KEY") != nil {
            guard let key = env("AWS_ACCESS_KEY_ID"), let secret = env("AWS_SECRET_ACCESS_KEY") else {
                throw S3Error(
                    .invalid, "environment",
                    env("AWS_ACCESS_KEY_ID") == nil
                        ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                        : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
            }
            credentials = S3Credentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: env("AWS_SESSION_TOKEN"), source: .environment)
        } else {
            credentials = try fromProfile()
        }

        // Region.
        let region =
            overrides.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION") ?? profileValue("region") ?? "us-east-1"
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
            overrides.endpoint ?? env("AWS_ENDPOINT_URL_S3") ?? env("AWS_ENDPOINT_URL") ?? profileValue(
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
        let caBundle = env("AWS_CA_BUNDLE") ?? profileValue("ca_bundle")

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
            options: options)
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
