/// A value with a wire encoding of its own: a message body or an element of a list.
public protocol WireRecord: Sendable {
    init(from reader: inout WireReader) throws(WireError)
    func encode(to writer: inout WireWriter)
}
