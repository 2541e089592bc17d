import XCTest

@testable import AWSCore
@testable import ObjectStore

final class XMLTreeTests: XCTestCase {
    func testListPageWithEntitiesCDATAAndURLEncodedKeys() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>b</Name><Prefix>a%2F</Prefix><EncodingType>url</EncodingType>
              <IsTruncated>true</IsTruncated>
              <NextContinuationToken>1/a+b=&amp;c</NextContinuationToken>
              <Contents><Key>a/x%20y%2Bz%26.bin</Key><LastModified>2026-11-27T07:45:50.000Z</LastModified>
                <ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
              <Contents><Key>a/%C3%BC</Key><Size>0</Size></Contents>
              <Contents attr="x>y"><Key><![CDATA[a/<cdata>]]></Key><Size>3</Size></Contents>
            </ListBucketResult>
            """
        let page = try S3Responses.listPage(Array(xml.utf8))
        XCTAssertEqual(page.continuationToken, "1/a+b=&c")
        XCTAssertEqual(page.objects.map(\.key), ["a/x y+z&.bin", "a/ü", "a/<cdata>"])
        XCTAssertEqual(page.objects.map(\.size), [12, 0, 3])
        XCTAssertEqual(page.objects[0].etag, "\"abc\"")
        XCTAssertEqual(page.objects[0].lastModified, "2026-11-27T07:45:50.000Z")
    }

    func testKeysAreLiteralWithoutEncodingType() throws {
        let xml =
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>100%25 &lt;ok&gt; &#233;&#x4E2D;</Key><Size>1</Size></Contents></ListBucketResult>"
        let page = try S3Responses.listPage(Array(xml.utf8))
        XCTAssertEqual(page.objects.map(\.key), ["100%25 <ok> é中"])
        XCTAssertNil(page.continuationToken, "not truncated: no next page")
    }

    func testErrorDocuments() {
        let body = Array(
            "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>x</BucketName></Error>"
                .utf8)
        XCTAssertEqual(
            S3Responses.error(body), S3ErrorBody(code: "NoSuchBucket", message: "The specified bucket does not exist"))
        XCTAssertNil(
            S3Responses.error(
                Array("<CompleteMultipartUploadResult><ETag>x</ETag></CompleteMultipartUploadResult>".utf8)))
        XCTAssertNil(S3Responses.error(Array("not xml at all".utf8)))
        XCTAssertNil(S3Responses.error([]))
    }

    func testMalformedDocumentsAreRejected() {
        for text in [
            "", "<a>", "<a></b>", "<a>&bogus;</a>", "<a>&amp</a>", "<a/><b/>", "text<a/>", "<a><!-- x</a>",
            "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a x=\"1></a>", "<a>&#xFFFFFFFF;</a>",
        ] {
            XCTAssertThrowsError(try XMLTree.parse(text), text)
        }
        XCTAssertThrowsError(try S3Responses.listPage(Array("<Error><Code>x</Code></Error>".utf8)))
    }

    func testCompleteUploadBodyEscapesETags() throws {
        let body = S3Responses.completeUpload(parts: [(1, "\"a&b\""), (2, "\"c\"")])
        let root = try XMLTree.parse(body)
        XCTAssertEqual(root.name, "CompleteMultipartUpload")
        XCTAssertEqual(root.children("Part").map { $0.value("ETag") }, ["\"a&b\"", "\"c\""])
        XCTAssertEqual(root.children("Part").map { $0.value("PartNumber") }, ["1", "2"])
    }

    func testArbitraryBytesNeverCrashTheParser() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("<>/!?[]-&;#x=\"' abcCDATA:\n".utf8)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0..<80, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? XMLTree.parse(bytes)
        }
    }
}
