/// The `storage` section's object-store settings, beside `project_folder`: how to reach an
/// S3-compatible store (`aws_profile`, `aws_region`, `endpoint_url`, `path_style`). They win over
/// the environment and the AWS files; a local project folder ignores them.
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
