import Foundation
import ObjectStore
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A real moto S3 server on loopback with signature checking on: started with
/// `INITIAL_NO_AUTH_ACTION_COUNT=4`, whose four unchecked calls create an IAM user, its access
/// key, an allow-all policy and the attachment; every later request is SigV4-checked (a wrong
/// secret gets 403 SignatureDoesNotMatch). Killed (SIGKILL) when the test ends.
final class MotoServer {
    let directory: String
    let port: Int
    private(set) var accessKeyID = ""
    private(set) var secretAccessKey = ""
    private var process: Process?
    private let logPath: String

    var endpoint: String { "http://127.0.0.1:\(port)" }
    var pid: Int32 { process?.processIdentifier ?? 0 }

    init(name: String, checkSignatures: Bool = true) throws {
        directory = (NSTemporaryDirectory() as NSString).appendingPathComponent(
            "grow-s3-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        logPath = directory + "/moto.log"
        try Self.rawURIPatch.write(toFile: directory + "/sitecustomize.py", atomically: true, encoding: .utf8)
        port = try Self.freePort()
        try start(checkSignatures: checkSignatures)
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts moto on `port` (again, after `kill`: moto keeps everything in memory, so a
    /// restarted server is empty) and creates the IAM user whose key the tests sign with.
    func start(checkSignatures: Bool = true) throws {
        guard let motoServer = Self.which("moto_server") else {
            throw MotoError("moto_server is not on PATH: run scripts/install-deps (pip install 'moto[server]')")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: motoServer)
        process.arguments = ["-H", "127.0.0.1", "-p", String(port)]
        var environment = ProcessInfo.processInfo.environment
        if checkSignatures { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = "4" }
        environment["PYTHONPATH"] = directory + (environment["PYTHONPATH"].map { ":" + $0 } ?? "")
        process.environment = environment
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = FileHandle(forWritingAtPath: logPath)
        log?.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while !Self.accepts(port: port) {
            guard process.isRunning, Date() < deadline else {
                throw MotoError("moto_server did not come up on port \(port): \(tail())")
            }
            usleep(50_000)
        }
        let keys = try runPython(Self.iamSetup, arguments: [endpoint]).split(separator: " ")
        guard keys.count == 2 else { throw MotoError("IAM setup printed no key: \(keys)") }
        accessKeyID = String(keys[0])
        secretAccessKey = String(keys[1]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func signal(_ number: Int32) {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, number) }
    }

    func tail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(1500))
    }

    /// A client config for this server; `secret` replaces the right secret.
    func config(secret: String? = nil, options: S3Options = S3Options()) -> S3Config {
        S3Config(
            endpoint: try! S3Endpoint(parsing: endpoint, pathStyle: true), region: "us-east-1",
            credentials: S3Credentials(
                accessKeyID: accessKeyID, secretAccessKey: secret ?? secretAccessKey, source: .environment),
            options: options)
    }

    /// Environment for processes that use the AWS variables (boto3, grow-head).
    func awsEnvironment(secret: String? = nil) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for name in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"] { environment[name] = nil }
        environment["AWS_ACCESS_KEY_ID"] = accessKeyID
        environment["AWS_SECRET_ACCESS_KEY"] = secret ?? secretAccessKey
        environment["AWS_ENDPOINT_URL"] = endpoint
        environment["AWS_REGION"] = "us-east-1"
        environment["AWS_DEFAULT_REGION"] = "us-east-1"
        environment["AWS_CONFIG_FILE"] = directory + "/no-config"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = directory + "/no-credentials"
        return environment
    }

    /// Runs a Python script (with boto3) and returns its standard output; fails on exit != 0.
    @discardableResult
    func runPython(_ script: String, arguments: [String] = []) throws -> String {
        guard let python = Self.pythonWithBoto3 else { throw MotoError("no python3 with boto3 on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script] + arguments
        process.environment = awsEnvironment()
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MotoError(
                "python failed (\(process.terminationStatus)): \(String(decoding: errorData, as: UTF8.self).suffix(2000))"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: Helpers

    static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static let pythonWithBoto3: String? = {
        for candidate in [which("python3"), "/usr/bin/python3"].compactMap({ $0 }) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: candidate)
            process.arguments = ["-c", "import boto3"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 { return candidate }
        }
        return nil
    }()

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw MotoError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The four unchecked calls: user, access key, allow-all policy, attachment.
    static let iamSetup = """
        import boto3, json, sys
        iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="grow")
        key = iam.create_access_key(UserName="grow")["AccessKey"]
        policy = iam.create_policy(PolicyName="allow-all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        iam.attach_user_policy(UserName="grow", PolicyArn=policy["Policy"]["Arn"])
        print(key["AccessKeyId"], key["SecretAccessKey"])
        """

    /// Loaded by moto's Python through PYTHONPATH. Stock moto verifies the signature against
    /// werkzeug's *decoded and re-quoted* URL, so a key with '+', '=' or non-ASCII characters,
    /// or a query value with '/', fails the check even for boto3 (moto issue 5948). Real S3
    /// verifies the request target as sent; this makes moto do the same, so the signature
    /// check stays on and strict.
    static let rawURIPatch = """
        try:
            from urllib.parse import urlparse
            from moto.core import authorization as _authorization

            _original = _authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action

            def _as_sent(self, iam_request_cls, resource="*"):
                environ = getattr(getattr(self, "request", None), "environ", None) or {}
                raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
                if not raw or not getattr(self, "uri", None):
                    return _original(self, iam_request_cls, resource)
                decoded = self.uri
                parsed = urlparse(decoded)
                self.uri = parsed.scheme + "://" + parsed.netloc + raw
                try:
                    return _original(self, iam_request_cls, resource)
                finally:
                    self.uri = decoded

            _authorization.ActionAuthenticatorMixin._authenticate_and_authorize_action = _as_sent
        except Exception as error:  # never stop moto from starting
            import sys
            print("grow test patch not applied:", error, file=sys.stderr)
        """
}

struct MotoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
