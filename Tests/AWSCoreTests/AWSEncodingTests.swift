import AWSCore
import XCTest

final class AWSEncodingTests: XCTestCase {
    func testUnreservedCharactersStayAndEverythingElseIsEscapedUpperCase() {
        XCTAssertEqual(AWSEncoding.encode("AZaz09-._~"), "AZaz09-._~")
        XCTAssertEqual(AWSEncoding.encode("a b+c&d=e/f"), "a%20b%2Bc%26d%3De%2Ff")
        XCTAssertEqual(AWSEncoding.encode("ü"), "%C3%BC")
        XCTAssertEqual(AWSEncoding.encode("%"), "%25")
    }

    func testPathKeepsSlashes() {
        XCTAssertEqual(AWSEncoding.encodePath("data/eopatch 1/x+y.npy"), "data/eopatch%201/x%2By.npy")
    }

    func testQueryIsSortedByEncodedNameAndValueless() {
        XCTAssertEqual(
            AWSEncoding.query([("prefix", "a/b"), ("list-type", "2"), ("uploads", ""), ("max-keys", "5")]),
            "list-type=2&max-keys=5&prefix=a%2Fb&uploads=")
    }

    func testDecodeReversesEscapesOnly() {
        XCTAssertEqual(AWSEncoding.decode("a%20b%2Bc+d%C3%BC"), "a b+c+dü")
        XCTAssertEqual(AWSEncoding.decode("100%"), "100%")
        XCTAssertEqual(AWSEncoding.decode(AWSEncoding.encode("x/ü y%")), "x/ü y%")
    }
}
