import AWSCore

/// S3's failures are the AWS layer's one error type; the name stays for the S3 code that speaks it.
package typealias S3Error = AWSError
