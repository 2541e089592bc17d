/// Everything a client of one AWS service (EC2, ECR) needs: where it is, how to sign, how
/// patiently to retry. `AWSServiceConfig.resolve` fills it the way the AWS CLI would.
package struct AWSServiceConfig: Sendable {
    /// The signing name: `ec2`, `ecr`.
    package var service: String
    package var region: String
    /// `scheme://host[:port]`, no path.
    package var endpoint: String
    package var credentials: CredentialProvider
    package var retry: RetryPolicy
    package var settings: TransferSettings

    package init(
        service: String, region: String, endpoint: String, credentials: CredentialProvider,
        retry: RetryPolicy = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 20),
        settings: TransferSettings = TransferSettings(connectTimeout: 10, stallTimeout: 30)
    ) {
        var endpoint = endpoint
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        self.service = service
        self.region = region
        self.endpoint = endpoint
        self.credentials = credentials
        self.retry = retry
        self.settings = settings
    }

    /// Region, endpoint and credentials for `service`, first found wins:
    ///
    /// - region: `region` › `AWS_REGION` › `AWS_DEFAULT_REGION` › the profile's `region`
    /// - endpoint: `AWS_ENDPOINT_URL_<SERVICE>` › `AWS_ENDPOINT_URL` › the profile's
    ///   `<service> = endpoint_url` › its `endpoint_url` › `https://<host prefix>.<region>.amazonaws.com`
    /// - credentials: `CredentialProvider.resolve` (environment, profile, instance profile)
    ///
    /// `hostPrefix` is the service's host name part (`ec2`, `api.ecr`).
    package static func resolve(
        service: String, hostPrefix: String, region: String?, profile profileName: String? = nil,
        environment: [String: String], readFile: (String) -> String?
    ) throws(AWSError) -> AWSServiceConfig {
        let env = AWSEnvironment(environment)
        let profile = try AWSProfile.load(
            override: profileName, overrideSetting: "the profile setting", environment: environment,
            readFile: readFile)
        guard let region = region ?? env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? profile.value("region") else {
            throw AWSError(.invalid, service, "no region: set AWS_REGION or the profile's region")
        }
        let serviceVariable = "AWS_ENDPOINT_URL_" + service.uppercased().replacingDashes
        let endpoint =
            env[serviceVariable] ?? env["AWS_ENDPOINT_URL"] ?? profile.value("\(service).endpoint_url")
            ?? profile.value("endpoint_url") ?? "https://\(hostPrefix).\(region).amazonaws.com"
        guard endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
            throw AWSError(.invalid, endpoint, "the \(service) endpoint must start with https:// or http://")
        }
        let credentials = try CredentialProvider.resolve(
            profile: profile, profileIsSetting: profileName != nil, environment: environment, readFile: readFile)
        var settings = TransferSettings(connectTimeout: 10, stallTimeout: 30)
        settings.caBundle = env["AWS_CA_BUNDLE"] ?? profile.value("ca_bundle")
        return AWSServiceConfig(
            service: service, region: region, endpoint: endpoint, credentials: credentials, settings: settings)
    }
}

extension String {
    fileprivate var replacingDashes: String { String(map { $0 == "-" ? "_" : $0 }) }
}
