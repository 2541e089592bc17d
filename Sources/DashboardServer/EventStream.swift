import Dashboard
import Foundation
import Hummingbird

/// The dashboard's server-sent events: `hello` with the sequence the stream starts after, then
/// `tiles` batches (`ChangeBatch.json`) as the feed seals them, `resync` when this reader fell
/// out of the history, and a comment now and then so proxies keep the connection.
enum EventStream {
    static func response(feed: DashboardFeed, stopping server: HTTPServer) -> Response {
        let interval = max(feed.batchIntervalMs, 20)
        let body = ResponseBody { writer in
            var cursor = feed.lastSequence
            try await writer.write(ByteBuffer(string: "retry: 2000\nevent: hello\ndata: {\"seq\":\(cursor)}\n\n"))
            var quietMs: UInt64 = 0
            while !server.stopping.load(ordering: .relaxed) {
                try await Task.sleep(for: .milliseconds(interval))
                let now = DashboardServer.nowMs()
                switch feed.poll(after: cursor, nowMs: now) {
                case .batches(let texts, let last):
                    cursor = last
                    if texts.isEmpty {
                        quietMs += interval
                        if quietMs >= 15_000 {
                            quietMs = 0
                            try await writer.write(ByteBuffer(string: ": idle\n\n"))
                        }
                        continue
                    }
                    quietMs = 0
                    var buffer = ByteBuffer()
                    for text in texts {
                        buffer.writeString("event: tiles\ndata: ")
                        buffer.writeString(text)
                        buffer.writeString("\n\n")
                    }
                    try await writer.write(buffer)
                case .resync(let last):
                    cursor = last
                    try await writer.write(ByteBuffer(string: "event: resync\ndata: {\"seq\":\(last)}\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
            body: body)
    }
}
