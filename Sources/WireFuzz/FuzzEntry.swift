/// The one libFuzzer entry point of a build: scripts/fuzz builds this target twice, once for
/// each fuzz target (-DFUZZ_SEALED picks the sealed one).
#if FUZZ_SEALED
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        fuzzSealedWire(data, size)
    }
#else
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        fuzzWire(data, size)
    }
#endif
