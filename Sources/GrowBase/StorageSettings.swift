/// How to reach an S3-compatible store when it is not the environment's default: a config's
/// `storage` section (`aws_profile`, `aws_region`, `endpoint_url`, `path_style`) or the storage
/// commands' flags. They win over the environment and the AWS files; a local folder ignores them.
package struct StorageSettings: Sendable, Hashable {
    package var profile: String?
    package var region: String?
    package var endpoint: String?
    package var pathStyle: Bool?

    package init(profile: String? = nil, region: String? = nil, endpoint: String? = nil, pathStyle: Bool? = nil) {
        self.profile = profile
        self.region = region
        self.endpoint = endpoint
        self.pathStyle = pathStyle
    }
}
