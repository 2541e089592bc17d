import Foundation
import GrowTestSupport
import Synchronization
import XCTest

@testable import AWSCore
@testable import ObjectStore

/// Retries and connection reuse against a small HTTP/1.1 keep-alive server (Python's
/// http.server) that fails on purpose and counts connections. moto closes every connection, so
/// reuse cannot be seen there.
final class FlakyServerTests: XCTestCase {
    var process: Process!
    var port = 0

    static let server = """
        import http.server, json, sys, threading
        counts = {"connections": 0}
        hits = {}
        lock = threading.Lock()
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def setup(self):
                super().setup()
                with lock: counts["connections"] += 1
            def log_message(self, *args): pass
            def reply(self, status, body, content_type="application/xml"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD": self.wfile.write(body)
            def handle_any(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length: self.rfile.read(length)
                with lock:
                    hits[self.path] = hits.get(self.path, 0) + 1
                    hit = hits[self.path]
                name = self.path.rsplit("/", 1)[-1]
                if name == "_stats":
                    return self.reply(200, json.dumps(dict(counts, hits=hits)).encode(), "application/json")
                if name.startswith("flaky-") and hit <= int(name.split("-")[1]):
                    return self.reply(503, b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")
                if name == "bad":
                    return self.reply(400, b"<Error><Code>InvalidArgument</Code><Message>Nope.</Message></Error>")
                self.reply(200, b"ok", "application/octet-stream")
            do_GET = do_PUT = do_HEAD = do_DELETE = do_POST = handle_any
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """

    override func setUpWithError() throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: which("python3") ?? "/usr/bin/python3")
        process.arguments = ["-c", Self.server]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw HarnessError("the test server printed no port") }
            line += chunk
        }
        port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    override func tearDown() {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func client(attempts: Int = 5, log: (@Sendable (String) -> Void)? = nil) throws -> S3Client {
        var options = S3Options()
        options.retry = RetryPolicy(maxAttempts: attempts, baseDelay: 0.01)
        let config = S3Config(
            endpoint: try S3Endpoint(parsing: "http://127.0.0.1:\(port)", pathStyle: true), region: "us-east-1",
            credentials: AWSCredentials(accessKeyID: "AKIATEST", secretAccessKey: "secret", source: .explicit),
            options: options)
        return S3Client(config: config, log: log)
    }

    func stats(_ client: S3Client) throws -> [String: Any] {
        let body = try client.getObject(S3URI(bucket: "bucket", key: "_stats"))
        return try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] ?? [:]
    }

    func testSequentialRequestsReuseOneConnection() throws {
        let client = try client()
        for index in 0..<10 {
            try client.putObject(S3URI(bucket: "bucket", key: "k\(index)"), bytes: Array(repeating: 1, count: 1000))
            XCTAssertEqual(try client.getObject(S3URI(bucket: "bucket", key: "k\(index)")), Array("ok".utf8))
            XCTAssertNotNil(try client.headObject(S3URI(bucket: "bucket", key: "k\(index)")))
        }
        XCTAssertEqual(try stats(client)["connections"] as? Int, 1, "31 requests over one connection")
    }

    func testServerErrorsAreRetriedUntilTheyPass() throws {
        let lines = Mutex<[String]>([])
        let client = try client { line in lines.withLock { $0.append(line) } }
        XCTAssertEqual(try client.getObject(S3URI(bucket: "bucket", key: "flaky-3")), Array("ok".utf8))
        let log = lines.withLock { $0 }
        XCTAssertEqual(log.count, 3, "\(log)")
        XCTAssertTrue(log[0].contains("Please reduce your request rate. (503 SlowDown); try 2 of 5"), log[0])
        XCTAssertEqual((try stats(client)["hits"] as? [String: Int])?["/bucket/flaky-3"], 4)
    }

    func testRetriesRunOutWithTheLastAnswer() throws {
        XCTAssertThrowsError(try client(attempts: 3).getObject(S3URI(bucket: "bucket", key: "flaky-10"))) { error in
            let error = error as! S3Error
            XCTAssertEqual(error.kind, .failed)
            XCTAssertEqual(
                error.description,
                "s3://bucket/flaky-10 at http://127.0.0.1:\(self.port): Please reduce your request rate. (503 SlowDown) (after 3 tries)"
            )
        }
    }

    func testClientErrorsAreNotRetried() throws {
        let lines = Mutex<[String]>([])
        let client = try client { line in lines.withLock { $0.append(line) } }
        XCTAssertThrowsError(try client.putObject(S3URI(bucket: "bucket", key: "bad"), bytes: [1])) { error in
            XCTAssertEqual((error as? S3Error)?.kind, .invalid)
            XCTAssertEqual("\(error)", "s3://bucket/bad at http://127.0.0.1:\(self.port): Nope. (400 InvalidArgument)")
        }
        XCTAssertEqual(lines.withLock { $0 }, [])
        XCTAssertEqual((try stats(client)["hits"] as? [String: Int])?["/bucket/bad"], 1)
    }
}
