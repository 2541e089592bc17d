import XCTest

@testable import AWSCore

/// The signer against AWS's own published examples (the IAM ListUsers and the S3 GET examples of
/// the Signature Version 4 documentation), and one EC2 POST with a session token as botocore
/// signs it.
final class SigV4Tests: XCTestCase {
    func authorization(_ headers: [(String, String)]) -> String? {
        headers.first { $0.0 == "Authorization" }?.1
    }

    func testIAMExampleOfTheDocumentation() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", source: .explicit)
        let headers = SigV4.headers(
            method: "GET", url: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            payloadHash: SigV4.payloadHash([]), credentials: credentials, region: "us-east-1", service: "iam",
            unixSeconds: 1_440_938_160)
        XCTAssertEqual(headers.first { $0.0 == "x-amz-date" }?.1, "20150830T123600Z")
        XCTAssertEqual(
            authorization(headers),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        )
    }

    func testS3ExampleOfTheDocumentation() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            source: .explicit)
        let headers = SigV4.headers(
            method: "GET", url: "https://examplebucket.s3.amazonaws.com/test.txt", headers: [("Range", "bytes=0-9")],
            payloadHash: SigV4.payloadHash([]), credentials: credentials, region: "us-east-1", service: "s3",
            unixSeconds: 1_369_353_600)
        XCTAssertEqual(
            headers.first { $0.0 == "x-amz-content-sha256" }?.1,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            authorization(headers),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    func testEC2PostWithASessionTokenAsBotocoreSignsIt() {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "tok en", source: .explicit)
        let body = Array("Action=DescribeInstances&Version=2016-11-15".utf8)
        let headers = SigV4.headers(
            method: "POST", url: "https://ec2.us-east-1.amazonaws.com/",
            headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
            payloadHash: SigV4.payloadHash(body), credentials: credentials, region: "us-east-1", service: "ec2",
            unixSeconds: 1_440_938_160)
        XCTAssertEqual(headers.first { $0.0 == "x-amz-security-token" }?.1, "tok en")
        XCTAssertNil(headers.first { $0.0 == "x-amz-content-sha256" }, "only S3 sends the payload hash")
        XCTAssertEqual(
            authorization(headers),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=e09c2d72231ca47b729f65c1f8a8380f45c0895bc11c7d3f1a8f387ca9867307"
        )
    }

    func testCanonicalPieces() {
        XCTAssertEqual(SigV4.canonicalQuery("b=2&a=1&a=0&uploads"), "a=0&a=1&b=2&uploads=")
        XCTAssertEqual(SigV4.collapseSpaces("  a   b \t c  "), "a b c")
        XCTAssertEqual(SigV4.URLParts("http://127.0.0.1:9000/b/k%20x?list-type=2").host, "127.0.0.1:9000")
        XCTAssertEqual(SigV4.URLParts("http://127.0.0.1:9000/b/k%20x?list-type=2").path, "/b/k%20x")
        XCTAssertEqual(SigV4.URLParts("http://127.0.0.1:9000/b/k%20x?list-type=2").query, "list-type=2")
        XCTAssertEqual(SigV4.URLParts("https://Host.example:443").host, "host.example", "the default port is left out")
        XCTAssertEqual(SigV4.URLParts("https://host.example:443").path, "/")
        // S3 signs the path as written; other services encode it once more.
        let s3 = SigV4.canonicalRequest(
            method: "GET", path: "/a%20b", query: "", headers: [("host", "h")], payloadHash: "x", normalizePath: false)
        let ec2 = SigV4.canonicalRequest(
            method: "GET", path: "/a%20b", query: "", headers: [("host", "h")], payloadHash: "x", normalizePath: true)
        XCTAssertTrue(s3.text.hasPrefix("GET\n/a%20b\n"))
        XCTAssertTrue(ec2.text.hasPrefix("GET\n/a%2520b\n"))
        XCTAssertEqual(SigV4.timestamp(0), "19700101T000000Z")
    }
}
