import Foundation

/// The native compute kernels of the EO pipelines (band indices, valid-data masks, temporal
/// composites, gap filling). Each works on whole arrays through raw pointers, in loops the
/// compiler vectorises, and takes a thread count: 1 (the default) is what a pipeline uses with
/// one core per tile; more split the rows over threads. Results match numpy's (the tests compare).
package enum Kernels {
    /// The cores this process may use: a sensible `threads:` for one big array.
    package static var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }
}
