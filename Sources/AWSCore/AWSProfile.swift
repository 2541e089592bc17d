/// One profile of the AWS CLI's shared files (`~/.aws/credentials`, `~/.aws/config`, or
/// `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`), as every AWS client of grow reads them.
/// Pure: the environment and a file reader come in as arguments.
package struct AWSProfile: Sendable {
    package var name: String
    /// Named by a setting or `AWS_PROFILE` (then it must exist), not the implicit `default`.
    package var isNamed: Bool
    package var credentialsPath: String
    package var configPath: String
    package var credentialsFile: AWSConfigFile?
    package var configFile: AWSConfigFile?

    /// `override` (a setting or option) › `AWS_PROFILE` › `default`. A named profile that is in
    /// neither file is an error naming `overrideSetting` or AWS_PROFILE.
    package static func load(
        override: String?, overrideSetting: String, environment: [String: String], readFile: (String) -> String?
    ) throws(AWSError) -> AWSProfile {
        let env = AWSEnvironment(environment)
        let home = env["HOME"] ?? "~"
        let credentialsPath = env["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials"
        let configPath = env["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config"
        let profile = AWSProfile(
            name: override ?? env["AWS_PROFILE"] ?? "default", isNamed: override != nil || env["AWS_PROFILE"] != nil,
            credentialsPath: credentialsPath, configPath: configPath,
            credentialsFile: readFile(credentialsPath).map { AWSConfigFile(parsing: $0, isConfigFile: false) },
            configFile: readFile(configPath).map { AWSConfigFile(parsing: $0, isConfigFile: true) })
        let exists =
            profile.credentialsFile?.hasProfile(profile.name) == true
            || profile.configFile?.hasProfile(profile.name) == true
        if profile.isNamed, !exists {
            throw AWSError(
                .invalid, "profile \"\(profile.name)\"",
                "not found in \(credentialsPath) or \(configPath) (named by \(override != nil ? overrideSetting : "AWS_PROFILE"))"
            )
        }
        return profile
    }

    /// A setting of the profile: the config file first, then the credentials file.
    package func value(_ key: String) -> String? {
        configFile?.value(key, profile: name) ?? credentialsFile?.value(key, profile: name)
    }

    /// The profile's keys: the credentials file first, then the config file; nil when neither has
    /// any. Half a pair is an error naming the file.
    package func credentials() throws(AWSError) -> AWSCredentials? {
        for (file, path) in [(credentialsFile, credentialsPath), (configFile, configPath)] {
            guard let file else { continue }
            let key = file.value("aws_access_key_id", profile: name)
            let secret = file.value("aws_secret_access_key", profile: name)
            if key == nil, secret == nil { continue }
            guard let key, let secret else {
                throw AWSError(
                    .invalid, "profile \"\(name)\" in \(path)",
                    "has \(key == nil ? "aws_secret_access_key but no aws_access_key_id" : "aws_access_key_id but no aws_secret_access_key")"
                )
            }
            return AWSCredentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: file.value("aws_session_token", profile: name),
                source: .profile(name: name, file: path))
        }
        return nil
    }
}

/// The environment's AWS variables, an empty or blank value counting as unset.
package struct AWSEnvironment: Sendable {
    package let values: [String: String]

    package init(_ values: [String: String]) { self.values = values }

    package subscript(_ name: String) -> String? {
        guard let value = values[name]?.trimmingSpaces, !value.isEmpty else { return nil }
        return value
    }
}
