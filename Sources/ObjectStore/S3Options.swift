import AWSCore

/// How transfers behave: retries, multipart sizes, parallelism, timeouts.
package struct S3Options: Sendable, Equatable {
    package var retry = RetryPolicy()
    /// Objects larger than this are uploaded in parts (and downloaded in parallel ranges).
    package var multipartThreshold: UInt64 = 16 << 20
    /// Size of one part (S3: at least 5 MiB except the last; grown when a file needs more than
    /// 10,000 parts).
    package var partSize: UInt64 = 16 << 20
    /// Server-side copies of objects larger than this go in parts (UploadPartCopy); S3 copies
    /// at most 5 GiB in one CopyObject.
    package var maximumSingleCopy: UInt64 = 5 << 30
    /// Parts transferred at the same time, each on its own connection.
    package var concurrency = 4
    /// Seconds to establish a connection.
    package var connectTimeout = 10
    /// A transfer slower than 1 byte/s for this many seconds is abandoned (and retried):
    /// catches a stalled peer without capping how long a large transfer may take.
    package var stallTimeout = 30

    package init() {}
}

/// Everything a client needs to talk to one S3 endpoint, resolved from settings, environment
/// and AWS files by `S3ConfigResolver`.
package struct S3Config: Sendable, Equatable {
    package var endpoint: S3Endpoint
    package var region: String
    /// Keys that do not change; nil: the instance profile when `instanceMetadata` is set, else
    /// anonymous requests (public buckets only).
    package var credentials: AWSCredentials?
    /// Where the instance profile's credentials come from when no keys were found (on EC2).
    package var instanceMetadata: InstanceMetadataEndpoint?
    /// The profile whose settings were read (for messages).
    package var profile: String
    /// A CA bundle file for TLS (`AWS_CA_BUNDLE`), else the system's.
    package var caBundle: String?
    package var options: S3Options

    package init(
        endpoint: S3Endpoint, region: String, credentials: AWSCredentials?, profile: String = "default",
        caBundle: String? = nil, options: S3Options = S3Options(), instanceMetadata: InstanceMetadataEndpoint? = nil
    ) {
        self.instanceMetadata = instanceMetadata
        self.endpoint = endpoint
        self.region = region
        self.credentials = credentials
        self.profile = profile
        self.caBundle = caBundle
        self.options = options
    }
}
