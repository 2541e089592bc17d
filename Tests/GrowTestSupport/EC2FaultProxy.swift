import Foundation

/// An HTTP proxy in front of moto that answers chosen EC2 calls with an EC2 error of the test's
/// choosing (moto cannot inject capacity or throttling errors): a rule names the action, the
/// parameters that must match (`SubnetId`, `InstanceType`, `InstanceMarketOptions.MarketType`),
/// the code and status, and how many times it fires. Everything else goes to moto unchanged,
/// Host header included, so moto still checks every signature. Each request is logged.
package final class EC2FaultProxy {
    private let server: PythonServer
    private let rulesPath: String

    package var url: String { server.url }

    package struct Rule: Sendable {
        package var action: String
        package var matching: [String: String]
        package var code: String
        package var status: Int
        /// How many requests it answers; nil: all.
        package var times: Int?

        package init(action: String, matching: [String: String] = [:], code: String, status: Int, times: Int? = nil) {
            self.action = action
            self.matching = matching
            self.code = code
            self.status = status
            self.times = times
        }
    }

    /// One request the proxy saw: the action, its parameters, and the code it injected (nil:
    /// passed to moto).
    package struct Seen: Sendable {
        package var action: String
        package var parameters: [String: String]
        package var injected: String?
    }

    package init(moto: MotoServer) throws {
        server = try PythonServer(name: "ec2-proxy", script: Self.script, arguments: [moto.endpoint])
        rulesPath = server.directory + "/rules.json"
        try setRules([])
    }

    package func setRules(_ rules: [Rule]) throws {
        let list = rules.map { rule -> [String: Any] in
            [
                "action": rule.action, "match": rule.matching, "code": rule.code, "status": rule.status,
                "times": rule.times ?? -1,
            ]
        }
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: rulesPath + ".new"))
        _ = rename(rulesPath + ".new", rulesPath)
    }

    package func seen() -> [Seen] {
        let text = (try? String(contentsOfFile: server.directory + "/seen.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            return Seen(
                action: object["action"] as? String ?? "", parameters: object["params"] as? [String: String] ?? [:],
                injected: object["injected"] as? String)
        }
    }

    static let script = #"""
        import http.client, json, os, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import parse_qsl, urlparse

        here = os.path.dirname(os.path.abspath(__file__))
        target = urlparse(sys.argv[2])
        lock = threading.Lock()
        fired = {}

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                params = dict(parse_qsl(body.decode("utf-8", "replace"))) if self.command == "POST" else {}
                action = params.get("Action", "")
                injected = None
                with lock:
                    with open(os.path.join(here, "rules.json")) as f:
                        rules = json.load(f)
                    for index, rule in enumerate(rules):
                        if rule["action"] != action:
                            continue
                        if any(params.get(k) != v for k, v in rule["match"].items()):
                            continue
                        key = json.dumps(rule, sort_keys=True)
                        if rule["times"] >= 0 and fired.get(key, 0) >= rule["times"]:
                            continue
                        fired[key] = fired.get(key, 0) + 1
                        injected = rule
                        break
                    with open(os.path.join(here, "seen.jsonl"), "a") as f:
                        f.write(json.dumps({"action": action, "params": params,
                                            "injected": injected["code"] if injected else None}) + "\n")
                if injected:
                    error = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>%s</Code>"
                             "<Message>injected by the test proxy</Message></Error></Errors>"
                             "<RequestID>proxy</RequestID></Response>" % injected["code"]).encode()
                    self.send_response(injected["status"])
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(error)))
                    self.end_headers()
                    self.wfile.write(error)
                    return
                connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
                connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for k, v in headers.items():
                    connection.putheader(k, v)
                connection.endheaders(body)
                response = connection.getresponse()
                data = response.read()
                self.send_response(response.status)
                for k, v in response.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                connection.close()

            do_GET = relay
            do_POST = relay
            do_PUT = relay
            do_DELETE = relay
            do_HEAD = relay

        ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """#
}
