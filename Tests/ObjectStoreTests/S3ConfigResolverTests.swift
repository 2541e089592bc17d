import GrowBase
import XCTest

@testable import AWSCore
@testable import ObjectStore

final class S3ConfigResolverTests: XCTestCase {
    let credentials = """
        [default]
        aws_access_key_id = DEFAULTKEY
        aws_secret_access_key = defaultsecret

        # CDSE container credentials
        [cdse]
        aws_access_key_id=CDSEKEY
        aws_secret_access_key=cdse/secret+with=signs
        """
    let config = """
        [default]
        region = eu-central-1

        [profile cdse]
        region = waw3-1  ; inline comment
        endpoint_url = https://s3.waw3-1.cloudferro.com
        s3 =
          addressing_style = path

        [profile half]
        aws_access_key_id = ONLYKEY
        """

    func resolve(_ overrides: StorageSettings = StorageSettings(), _ environment: [String: String] = [:]) throws
        -> S3Config
    {
        var environment = environment
        environment["HOME"] = "/home/u"
        return try S3ConfigResolver.resolve(overrides, environment: environment) { path in
            switch path {
            case "/home/u/.aws/credentials": self.credentials
            case "/home/u/.aws/config": self.config
            default: nil
            }
        }
    }

    func testDefaultsComeFromTheDefaultProfile() throws {
        let resolved = try resolve()
        XCTAssertEqual(resolved.credentials?.accessKeyID, "DEFAULTKEY")
        XCTAssertEqual(resolved.credentials?.source, .profile(name: "default", file: "/home/u/.aws/credentials"))
        XCTAssertEqual(resolved.region, "eu-central-1")
        XCTAssertEqual(resolved.endpoint.description, "https://s3.eu-central-1.amazonaws.com")
        XCTAssertFalse(resolved.endpoint.pathStyle)
    }

    func testEnvironmentKeysBeatTheProfileAndCarryTheToken() throws {
        let resolved = try resolve(
            StorageSettings(),
            [
                "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SESSION_TOKEN": "tok",
                "AWS_PROFILE": "cdse",
            ])
        XCTAssertEqual(resolved.credentials?.accessKeyID, "ENVKEY")
        XCTAssertEqual(resolved.credentials?.sessionToken, "tok")
        XCTAssertEqual(resolved.credentials?.source, .environment)
        XCTAssertEqual(resolved.region, "waw3-1", "AWS_PROFILE still chooses the profile's settings")
        XCTAssertEqual(resolved.endpoint.description, "https://s3.waw3-1.cloudferro.com")
        XCTAssertTrue(resolved.endpoint.pathStyle)
    }

    func testAProfileInTheStorageSectionBeatsEnvironmentKeys() throws {
        let resolved = try resolve(
            StorageSettings(profile: "cdse"), ["AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret"])
        XCTAssertEqual(resolved.credentials?.accessKeyID, "CDSEKEY")
        XCTAssertEqual(resolved.credentials?.secretAccessKey, "cdse/secret+with=signs")
        XCTAssertEqual(resolved.region, "waw3-1")
    }

    func testSettingsBeatEnvironmentBeatsProfile() throws {
        var resolved = try resolve(
            StorageSettings(region: "us-west-2", endpoint: "http://127.0.0.1:9000/", pathStyle: false),
            ["AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": "https://env.example", "AWS_PROFILE": "cdse"])
        XCTAssertEqual(resolved.region, "us-west-2")
        XCTAssertEqual(resolved.endpoint.description, "http://127.0.0.1:9000")
        XCTAssertFalse(resolved.endpoint.pathStyle)
        resolved = try resolve(
            StorageSettings(),
            ["AWS_DEFAULT_REGION": "eu-west-3", "AWS_ENDPOINT_URL": "https://env.example", "AWS_PROFILE": "cdse"])
        XCTAssertEqual(resolved.region, "eu-west-3")
        XCTAssertEqual(resolved.endpoint.description, "https://env.example")
        resolved = try resolve(
            StorageSettings(),
            ["AWS_ENDPOINT_URL_S3": "https://s3only.example", "AWS_ENDPOINT_URL": "https://env.example"])
        XCTAssertEqual(resolved.endpoint.description, "https://s3only.example")
        XCTAssertTrue(resolved.endpoint.pathStyle, "a custom endpoint defaults to path style")
    }

    func testMistakesAreOneLineNamingTheSetting() {
        XCTAssertThrowsError(try resolve(StorageSettings(profile: "nope"))) { error in
            XCTAssertEqual(
                "\(error)",
                "profile \"nope\": not found in /home/u/.aws/credentials or /home/u/.aws/config (named by the storage profile)"
            )
        }
        XCTAssertThrowsError(try resolve(StorageSettings(), ["AWS_PROFILE": "nope"])) { error in
            XCTAssertTrue("\(error)".hasSuffix("(named by AWS_PROFILE)"), "\(error)")
        }
        XCTAssertThrowsError(try resolve(StorageSettings(), ["AWS_ACCESS_KEY_ID": "K"])) { error in
            XCTAssertEqual("\(error)", "environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
        }
        XCTAssertThrowsError(try resolve(StorageSettings(profile: "half"))) { error in
            XCTAssertEqual(
                "\(error)",
                "profile \"half\" in /home/u/.aws/config: has aws_access_key_id but no aws_secret_access_key")
        }
        XCTAssertThrowsError(try resolve(StorageSettings(region: "Bad:Region"))) { error in
            XCTAssertEqual((error as? S3Error)?.kind, .invalid)
        }
        XCTAssertThrowsError(try resolve(StorageSettings(endpoint: "s3.waw3-1.cloudferro.com"))) { error in
            XCTAssertTrue("\(error)".contains("must start with https:// or http://"), "\(error)")
        }
    }

    func testNoFilesNoEnvironmentIsAnonymous() throws {
        let resolved = try S3ConfigResolver.resolve(StorageSettings(), environment: ["HOME": "/nowhere"]) { _ in nil }
        XCTAssertNil(resolved.credentials)
        XCTAssertEqual(resolved.region, "us-east-1")
    }

    func testCredentialsDescriptionHidesTheSecret() throws {
        let resolved = try resolve(StorageSettings(profile: "cdse"))
        XCTAssertFalse("\(resolved.credentials!)".contains("cdse/secret"))
        XCTAssertFalse("\(resolved)".contains("cdse/secret"))
        XCTAssertFalse(String(reflecting: resolved).contains("cdse/secret"))
        var dumped = ""
        dump(resolved, to: &dumped)
        XCTAssertFalse(dumped.contains("cdse/secret"), dumped)
    }

    func testTransferTuningFromTheProfileAsTheAWSCLIReadsIt() throws {
        let text =
            "[default]\ns3 =\n  max_concurrent_requests = 10\n  multipart_chunksize = 8MB\n  multipart_threshold = 64MiB\n"
        let resolved = try S3ConfigResolver.resolve(StorageSettings(), environment: ["HOME": "/h"]) { path in
            path == "/h/.aws/config" ? text : nil
        }
        XCTAssertEqual(resolved.options.concurrency, 10)
        XCTAssertEqual(resolved.options.partSize, 8 << 20)
        XCTAssertEqual(resolved.options.multipartThreshold, 64 << 20)
        XCTAssertEqual(S3ConfigResolver.parseSize("8388608"), 8 << 20)
        XCTAssertNil(S3ConfigResolver.parseSize("8 parsecs"))
        XCTAssertThrowsError(
            try S3ConfigResolver.resolve(StorageSettings(), environment: ["HOME": "/h"]) { path in
                path == "/h/.aws/config" ? "[default]\ns3 =\n  multipart_chunksize = 1MB\n" : nil
            }
        ) { error in
            XCTAssertEqual(
                "\(error)",
                "profile \"default\" in /h/.aws/config: s3.multipart_chunksize \"1MB\" must be a size like 8MB or 16MiB (at least 5MB)"
            )
        }
    }
}
