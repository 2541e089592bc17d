import Foundation

/// A stand-in for EC2's instance metadata service on loopback, for the credential chain, strict
/// as IMDSv2 is: a GET without a token from `PUT /latest/api/token` (which needs
/// `X-aws-ec2-metadata-token-ttl-seconds`) is refused with 401. It serves what `configure` sets: an instance profile's role and its
/// credentials (the nth fetch gets the nth set, the last one from then on), and any other paths
/// (`meta-data/spot/instance-action`, 404 until set). It counts every request by path.
package final class InstanceProfileStandIn {
    private let server: PythonServer
    private let statePath: String

    package var url: String { server.url }

    /// One set of credentials as IMDS serves it.
    package struct Credentials: Sendable {
        package var accessKeyID: String
        package var secretAccessKey: String
        package var token: String
        /// Unix seconds.
        package var expiration: Int

        package init(accessKeyID: String, secretAccessKey: String, token: String, expiration: Int) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.token = token
            self.expiration = expiration
        }
    }

    package init() throws {
        server = try PythonServer(name: "imds", script: Self.script)
        statePath = server.directory + "/state.json"
        try configure(role: nil, credentials: [])
    }

    /// What the service serves from now on. `tokenGeneration`: raising it invalidates every token
    /// issued before (as a restarted service does). `paths`: text by path under /latest/.
    package func configure(
        role: String?, credentials: [Credentials], paths: [String: String] = [:], tokenGeneration: Int = 0
    ) throws {
        let sets = credentials.map { set -> [String: Any] in
            let formatter = ISO8601DateFormatter()
            return [
                "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": set.accessKeyID,
                "SecretAccessKey": set.secretAccessKey, "Token": set.token,
                "Expiration": formatter.string(from: Date(timeIntervalSince1970: TimeInterval(set.expiration))),
                "LastUpdated": formatter.string(from: Date()),
            ]
        }
        var state: [String: Any] = ["credentials": sets, "paths": paths, "generation": tokenGeneration]
        if let role { state["role"] = role }
        let data = try JSONSerialization.data(withJSONObject: state)
        try data.write(to: URL(fileURLWithPath: statePath + ".new"))
        _ = rename(statePath + ".new", statePath)
    }

    /// Requests so far by `METHOD /path` (with the answer's status: `GET /latest/x 401`).
    package func counts() -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: server.directory + "/counts.json"),
            let counts = try? JSONSerialization.jsonObject(with: data) as? [String: Int]
        else { return [:] }
        return counts
    }

    static let script = #"""
        import json, os, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        here = os.path.dirname(os.path.abspath(__file__))
        lock = threading.Lock()
        counts = {}
        fetches = {"n": 0}
        tokens = {}

        def state():
            with open(os.path.join(here, "state.json")) as f:
                return json.load(f)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status, body=b""):
                with lock:
                    key = "%s %s %d" % (self.command, self.path, status)
                    counts[key] = counts.get(key, 0) + 1
                    with open(os.path.join(here, "counts.json.new"), "w") as f:
                        json.dump(counts, f)
                    os.replace(os.path.join(here, "counts.json.new"), os.path.join(here, "counts.json"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                if self.path != "/latest/api/token":
                    return self.answer(403)
                ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
                if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                    return self.answer(400)
                generation = state()["generation"]
                with lock:
                    token = "token-%d-%d" % (generation, len(tokens))
                    tokens[token] = generation
                self.answer(200, token.encode())

            def do_GET(self):
                current = state()
                token = self.headers.get("X-aws-ec2-metadata-token")
                if token not in tokens or tokens[token] != current["generation"]:
                    return self.answer(401)
                path = self.path[len("/latest/"):] if self.path.startswith("/latest/") else None
                prefix = "meta-data/iam/security-credentials/"
                role = current.get("role")
                if path == prefix:
                    return self.answer(200, role.encode()) if role else self.answer(404)
                if role and path == prefix + role:
                    sets = current["credentials"]
                    if not sets:
                        return self.answer(404)
                    with lock:
                        chosen = sets[min(fetches["n"], len(sets) - 1)]
                        fetches["n"] += 1
                    return self.answer(200, json.dumps(chosen).encode())
                if path in current["paths"]:
                    return self.answer(200, current["paths"][path].encode())
                self.answer(404)

        ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """#
}
