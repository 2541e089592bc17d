// Kernels loop over raw pointers; an empty array may have no base address, and then the loop
// runs zero times, so any non-null address will do.

extension UnsafeBufferPointer {
    @inline(__always)
    var start: UnsafePointer<Element> {
        baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeMutableBufferPointer {
    @inline(__always)
    var start: UnsafeMutablePointer<Element> {
        baseAddress ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment).unsafelyUnwrapped
    }
}

extension UnsafeRawBufferPointer {
    @inline(__always)
    var start: UnsafeRawPointer {
        baseAddress ?? UnsafeRawPointer(bitPattern: 16).unsafelyUnwrapped
    }
}
