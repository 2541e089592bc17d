/// The bucket policy that lets Sentinel Hub read and write a bucket (CDSE's guide sets it with a
/// boto3 script; `grow-head storage grant` does the same).
package enum SentinelHubPolicy {
    /// Sentinel Hub's account on CDSE.
    package static let principal = "ddf4c98b5e6647f0a246f0624c8341d9"

    /// The policy document for `bucket`, as JSON text: the guide's, statement for statement.
    /// (Bucket names are restricted to `a-z 0-9 . -`, so they need no JSON escaping.)
    package static func document(bucket: String) -> String {
        """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Sentinel Hub permissions",
              "Effect": "Allow",
              "Principal": {"AWS": ["arn:aws:iam::\(principal):root"]},
              "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:PutObject", "s3:GetObject"],
              "Resource": ["arn:aws:s3:::\(bucket)", "arn:aws:s3:::\(bucket)/*"]
            }
          ]
        }
        """
    }
}
