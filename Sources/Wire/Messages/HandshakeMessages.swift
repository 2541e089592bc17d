import NIOCore

/// Who is connecting: a worker that runs tiles, or a client (CLI) that submits and watches jobs.
public enum PeerRole: UInt8, Sendable, CaseIterable {
    case worker = 1
    case client = 2
}

/// Why a head refuses a peer during the handshake. The text is fixed per reason and says nothing
/// about the token or the head's state.
public enum RefusalReason: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case authenticationFailed = 1
    case noCommonVersion = 2
    case protocolViolation = 3
    case unknown = 255

    public var description: String {
        switch self {
        case .authenticationFailed: return "authentication failed"
        case .noCommonVersion: return "no common protocol version"
        case .protocolViolation: return "protocol violation"
        case .unknown: return "unknown reason"
        }
    }
}

/// First message of a connection, peer → head.
public struct Hello: WireRecord, Equatable {
    public var minVersion: UInt16
    public var maxVersion: UInt16
    public var role: PeerRole
    public var name: String
    public var nonce: [UInt8]

    public init(minVersion: UInt16, maxVersion: UInt16, role: PeerRole, name: String, nonce: [UInt8]) {
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.role = role
        self.name = name
        self.nonce = nonce
    }

    public init(from reader: inout WireReader) throws(WireError) {
        minVersion = try reader.uint16("Hello.minVersion")
        maxVersion = try reader.uint16("Hello.maxVersion")
        let rawRole = try reader.uint8("Hello.role")
        guard let role = PeerRole(rawValue: rawRole) else { throw .valueOutOfRange("Hello.role \(rawRole)") }
        self.role = role
        name = try reader.string("Hello.name")
        nonce = try reader.bytes("Hello.nonce")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(minVersion)
        buffer.writeVarint(maxVersion)
        buffer.writeVarint(role.rawValue)
        buffer.writeLengthPrefixedString(name)
        buffer.writeLengthPrefixedBytes(nonce)
    }
}

/// Head → peer: the chosen protocol version and the head's fresh nonce.
public struct Challenge: WireRecord, Equatable {
    public var version: UInt16
    public var nonce: [UInt8]
    public var headName: String

    public init(version: UInt16, nonce: [UInt8], headName: String) {
        self.version = version
        self.nonce = nonce
        self.headName = headName
    }

    public init(from reader: inout WireReader) throws(WireError) {
        version = try reader.uint16("Challenge.version")
        nonce = try reader.bytes("Challenge.nonce")
        headName = try reader.string("Challenge.headName")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(version)
        buffer.writeLengthPrefixedBytes(nonce)
        buffer.writeLengthPrefixedString(headName)
    }
}

/// Peer → head: HMAC-SHA256 over the transcript, proving the peer holds the cluster token.
public struct Proof: WireRecord, Equatable {
    public var mac: [UInt8]

    public init(mac: [UInt8]) { self.mac = mac }

    public init(from reader: inout WireReader) throws(WireError) {
        mac = try reader.bytes("Proof.mac")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeLengthPrefixedBytes(mac)
    }
}

/// Head → peer: the head's own proof, and the session's parameters.
public struct Welcome: WireRecord, Equatable {
    public var mac: [UInt8]
    public var sessionID: UInt64
    public var heartbeatIntervalMs: UInt32

    public init(mac: [UInt8], sessionID: UInt64, heartbeatIntervalMs: UInt32) {
        self.mac = mac
        self.sessionID = sessionID
        self.heartbeatIntervalMs = heartbeatIntervalMs
    }

    public init(from reader: inout WireReader) throws(WireError) {
        mac = try reader.bytes("Welcome.mac")
        sessionID = try reader.varint("Welcome.sessionID")
        heartbeatIntervalMs = try reader.uint32("Welcome.heartbeatIntervalMs")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeLengthPrefixedBytes(mac)
        buffer.writeVarint(sessionID)
        buffer.writeVarint(heartbeatIntervalMs)
    }
}

/// Head → peer, then close: the handshake failed. Sent only with a fixed reason text.
public struct Refused: WireRecord, Equatable {
    public var reason: RefusalReason
    public var text: String

    public init(reason: RefusalReason, text: String) {
        self.reason = reason
        self.text = text
    }

    public init(from reader: inout WireReader) throws(WireError) {
        reason = RefusalReason(rawValue: try reader.uint8("Refused.reason")) ?? .unknown
        text = try reader.string("Refused.text")
    }

    public func encode(to buffer: inout WireWriter) {
        buffer.writeVarint(reason.rawValue)
        buffer.writeLengthPrefixedString(text)
    }
}
