import Dashboard
import Hummingbird

/// In front of every route of a dashboard that requires a login: the login form passes, a valid
/// session cookie passes, `/metrics` with the token as a bearer credential passes; the rest is
/// refused (the page with the login form and 401, the API with a bare 401).
struct SessionGate: RouterMiddleware {
    typealias Context = BasicRequestContext
    static let cookieName = "grow_session"
    let server: DashboardServer

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard server.requiresLogin, request.uri.path != "/login" else { return try await next(request, context) }
        let cookie = request.headers[.cookie].flatMap { Access.cookie(Self.cookieName, in: $0) }
        if server.sessions.withLock({ $0.isValid(cookie, nowMs: DashboardServer.nowMs()) }) {
            return try await next(request, context)
        }
        if request.uri.path == "/metrics", let authorization = request.headers[.authorization],
            authorization.hasPrefix("Bearer "),
            SessionStore.matches(Array(authorization.dropFirst(7).utf8), server.settings.token)
        {
            return try await next(request, context)
        }
        if request.uri.path == "/" {
            return Response(
                status: .unauthorized, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(string: DashboardPage.login(title: server.settings.title, failed: false))))
        }
        return Response(status: .unauthorized)
    }
}
