/// Where long-lived credentials come from, in the AWS CLI's order: a profile named by a setting ›
/// `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` (+ `AWS_SESSION_TOKEN`) › the profile's keys in
/// the credentials file › in the config file. When none is found, the instance profile
/// (`InstanceMetadataEndpoint`, `CredentialProvider`) is next. Pure.
package enum CredentialChain {
    /// `profileIsSetting`: the profile was named by a setting or option, which beats the
    /// environment's keys (as `--profile` does for the AWS CLI); `AWS_PROFILE` does not.
    package static func resolve(profile: AWSProfile, profileIsSetting: Bool, environment: [String: String])
        throws(AWSError) -> AWSCredentials?
    {
        let env = AWSEnvironment(environment)
        if profileIsSetting {
            guard let credentials = try profile.credentials() else {
                throw AWSError(
                    .invalid, "profile \"\(profile.name)\"",
                    "has no aws_access_key_id / aws_secret_access_key in \(profile.credentialsPath) or \(profile.configPath)"
                )
            }
            return credentials
        }
        if env["AWS_ACCESS_KEY_ID"] != nil || env["AWS_SECRET_ACCESS_KEY"] != nil {
            guard let key = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"] else {
                throw AWSError(
                    .invalid, "environment",
                    env["AWS_ACCESS_KEY_ID"] == nil
                        ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                        : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
            }
            return AWSCredentials(
                accessKeyID: key, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"], source: .environment)
        }
        return try profile.credentials()
    }
}
