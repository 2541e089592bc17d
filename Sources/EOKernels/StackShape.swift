/// The dimensions of a T×H×W×C stack (an EOPatch `data` feature) and the checks kernels make
/// on the arrays that come with it.
struct StackShape: Equatable {
    var times: Int
    var height: Int
    var width: Int
    var channels: Int

    var pixelsPerTime: Int { height * width }
    var valuesPerTime: Int { height * width * channels }

    init(times: Int, height: Int, width: Int, channels: Int) {
        self.times = times
        self.height = height
        self.width = width
        self.channels = channels
    }

    /// The shape of `shape` as a stack; `what` names the argument in the error.
    init(_ shape: [Int], _ what: String) throws(KernelError) {
        guard shape.count == 4 else {
            throw KernelError("\(what): expected a T×H×W×C array (4 dimensions), got shape \(shape)")
        }
        self.init(times: shape[0], height: shape[1], width: shape[2], channels: shape[3])
    }

    var maskShape: [Int] { [times, height, width, 1] }

    /// Checks that `shape` is the T×H×W×1 mask of this stack.
    func checkMask(_ shape: [Int], _ what: String) throws(KernelError) {
        guard shape == maskShape else {
            throw KernelError("\(what): expected shape \(maskShape) (T×H×W×1 of the data), got \(shape)")
        }
    }

    func checkChannel(_ channel: Int, _ what: String) throws(KernelError) {
        guard channel >= 0 && channel < channels else {
            throw KernelError("\(what): channel \(channel) does not exist (the data has \(channels) channels)")
        }
    }
}
