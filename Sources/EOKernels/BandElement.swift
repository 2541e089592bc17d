/// The element types raster bands come in (Sentinel-2 L1C/L2A are UInt16, Landsat 8-bit
/// products UInt8, some indices Int16, reflectances Float32). Kernels switch on `bandKind`
/// once per call and run a loop specialised for the concrete type, so a caller in another
/// module still gets the vectorised code.
package protocol BandElement: Sendable, Equatable {
    static var bandKind: BandKind { get }
}

package enum BandKind: Sendable {
    case uint8, uint16, int16, float32
}

extension UInt8: BandElement { package static var bandKind: BandKind { .uint8 } }
extension UInt16: BandElement { package static var bandKind: BandKind { .uint16 } }
extension Int16: BandElement { package static var bandKind: BandKind { .int16 } }
extension Float: BandElement { package static var bandKind: BandKind { .float32 } }

extension BandElement {
    /// The value as Float32, which is exact for every band type (nil only for a type that
    /// claims a `bandKind` it is not).
    var exactFloat32: Float? {
        switch Self.bandKind {
        case .uint8: (self as? UInt8).map(Float.init)
        case .uint16: (self as? UInt16).map(Float.init)
        case .int16: (self as? Int16).map(Float.init)
        case .float32: self as? Float
        }
    }
}

/// Exact conversion to Float32 (every UInt8, UInt16 and Int16 is representable), what numpy's
/// `astype(np.float32)` does.
protocol Float32Convertible {
    var float32: Float { get }
    /// From a Float32 that holds a value of this type exactly (see `exactFloat32`).
    init(exactFloat32: Float)
    /// NaN test that is constant false for integers, so integer loops keep no check.
    var isNaNValue: Bool { get }
}

extension UInt8: Float32Convertible {
    @inline(__always) var float32: Float { Float(self) }
    @inline(__always) init(exactFloat32 value: Float) { self.init(clamping: Int(exactly: value) ?? 0) }
    @inline(__always) var isNaNValue: Bool { false }
}
extension UInt16: Float32Convertible {
    @inline(__always) var float32: Float { Float(self) }
    @inline(__always) init(exactFloat32 value: Float) { self.init(clamping: Int(exactly: value) ?? 0) }
    @inline(__always) var isNaNValue: Bool { false }
}
extension Int16: Float32Convertible {
    @inline(__always) var float32: Float { Float(self) }
    @inline(__always) init(exactFloat32 value: Float) { self.init(clamping: Int(exactly: value) ?? 0) }
    @inline(__always) var isNaNValue: Bool { false }
}
extension Float: Float32Convertible {
    @inline(__always) var float32: Float { self }
    @inline(__always) init(exactFloat32 value: Float) { self = value }
    @inline(__always) var isNaNValue: Bool { self != self }
}

/// A kernel loop written once for every band type: `BandKind.dispatch` calls `visit` with the
/// concrete type, so the optimiser specialises (and vectorises) it per type.
protocol BandTypeVisitor {
    associatedtype Result
    func visit<S: Float32Convertible & BandElement>(_ type: S.Type) -> Result
}

extension BandKind {
    @inline(__always)
    func dispatch<V: BandTypeVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .uint8: visitor.visit(UInt8.self)
        case .uint16: visitor.visit(UInt16.self)
        case .int16: visitor.visit(Int16.self)
        case .float32: visitor.visit(Float.self)
        }
    }
}
