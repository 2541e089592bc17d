import AWSCore
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
package final class MotoServer {
    package let directory: String
    package let port: Int
    package private(set) var accessKeyID = ""
    package private(set) var secretAccessKey = ""
    private var process: Process?
    private let logPath: String

    /// Where it listens: loopback, or a test bridge's address that hosts in network namespaces
    /// reach.
    package let host: String
    package var endpoint: String { "http://\(host):\(port)" }
    package var pid: Int32 { process?.processIdentifier ?? 0 }

    package init(name: String, checkSignatures: Bool = true, host: String = "127.0.0.1") throws {
        self.host = host
        directory = uniqueTemporaryURL("s3-\(name)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        logPath = directory + "/moto.log"
        try Self.rawURIPatch.write(toFile: directory + "/sitecustomize.py", atomically: true, encoding: .utf8)
        port = try freeLoopbackPort()
        try start(checkSignatures: checkSignatures)
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts moto on `port` (again, after `kill`: moto keeps everything in memory, so a
    /// restarted server is empty) and creates the IAM user whose key the tests sign with.
    package func start(checkSignatures: Bool = true) throws {
        let motoServer = try requirement("moto_server (pip install 'moto[server]') on PATH", which("moto_server"))
        _ = try requirement("a python3 on PATH with boto3", Self.pythonWithBoto3)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: motoServer)
        process.arguments = ["-H", host, "-p", String(port)]
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
        while !acceptsConnections(port: port, host: host) {
            guard process.isRunning, Date() < deadline else {
                throw HarnessError("moto_server did not come up on port \(port): \(tail())")
            }
            usleep(50_000)
        }
        let keys = try runPython(Self.iamSetup, arguments: [endpoint]).split(separator: " ")
        guard keys.count == 2 else { throw HarnessError("IAM setup printed no key: \(keys)") }
        accessKeyID = String(keys[0])
        secretAccessKey = String(keys[1]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    package func signal(_ number: Int32) {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, number) }
    }

    package func tail() -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(1500))
    }

    /// A client config for this server; `secret` replaces the right secret.
    package func config(secret: String? = nil, options: S3Options = S3Options()) -> S3Config {
        S3Config(
            endpoint: try! S3Endpoint(parsing: endpoint, pathStyle: true), region: "us-east-1",
            credentials: AWSCredentials(
                accessKeyID: accessKeyID, secretAccessKey: secret ?? secretAccessKey, source: .environment),
            options: options)
    }

    /// Environment for processes that use the AWS variables (boto3, grow-head).
    package func awsEnvironment(secret: String? = nil) -> [String: String] {
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
    package func runPython(_ script: String, arguments: [String] = []) throws -> String {
        let python = try requirement("a python3 on PATH with boto3", Self.pythonWithBoto3)
        let result = try captureProcess(python, ["-c", script] + arguments, environment: awsEnvironment())
        guard result.status == 0 else {
            throw HarnessError("python failed (\(result.status)): \(result.stderr.suffix(2000))")
        }
        return result.stdout
    }

    /// Temporary credentials of an assumed role with the allow-all policy, as an instance
    /// profile gives them (access key, secret, session token); moto checks the token too.
    /// `count` sets, each from its own AssumeRole.
    package func assumedRoleCredentials(role: String, count: Int) throws -> [(
        accessKeyID: String, secretAccessKey: String, sessionToken: String
    )] {
        let output = try runPython(
            """
            import boto3, json, sys
            iam = boto3.client("iam")
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
            arn = iam.create_role(RoleName=sys.argv[1], AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
            policy = [p for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "allow-all"][0]
            iam.attach_role_policy(RoleName=sys.argv[1], PolicyArn=policy["Arn"])
            sts = boto3.client("sts")
            for n in range(int(sys.argv[2])):
                c = sts.assume_role(RoleArn=arn, RoleSessionName="s%d" % n)["Credentials"]
                print(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
            """, arguments: [role, String(count)])
        return output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ").map(String.init)
            return parts.count == 3 ? (parts[0], parts[1], parts[2]) : nil
        }
    }

    // MARK: Helpers

    /// The first python3 that imports boto3 (moto's IAM set-up and the tests' checks use it).
    package static let pythonWithBoto3: String? = {
        [which("python3"), systemPython].compactMap { $0 }.first {
            (try? runProcess($0, ["-c", "import boto3"]).status) == 0
        }
    }()

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
