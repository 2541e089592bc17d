#if canImport(Glibc)
    import Glibc

    /// glibc functions that Swift's Glibc module hides behind _GNU_SOURCE, looked up once at run
    /// time (this target has no C shim): pipe2, posix_spawn_file_actions_addchdir_np (2.29+) and
    /// posix_spawn_file_actions_addclosefrom_np (2.34+).
    enum GlibcExtras {
        private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        private typealias AddChdir =
            @convention(c) (
                UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
            ) -> Int32
        private typealias AddClosefrom =
            @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

        private static func lookup<Function>(_ name: String, as type: Function.Type) -> Function? {
            guard let symbol = dlsym(nil, name) else { return nil }
            return unsafeBitCast(symbol, to: type)
        }

        private static let pipe2Function = lookup("pipe2", as: Pipe2.self)
        private static let addChdirFunction = lookup(
            "posix_spawn_file_actions_addchdir_np", as: AddChdir.self)
        private static let addClosefromFunction = lookup(
            "posix_spawn_file_actions_addclosefrom_np", as: AddClosefrom.self)

        /// A pipe whose both ends are close-on-exec; returns errno on failure.
        static func closeOnExecPipe(_ fds: inout [Int32]) -> Int32 {
            if let pipe2Function {
                return fds.withUnsafeMutableBufferPointer { buffer in
                    pipe2Function(buffer.baseAddress!, O_CLOEXEC) == 0 ? 0 : errno
                }
            }
            guard pipe(&fds) == 0 else { return errno }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return 0
        }

        static var canChangeDirectory: Bool { addChdirFunction != nil }

        static func addChdir(_ actions: inout posix_spawn_file_actions_t, _ path: String) -> Int32 {
            guard let addChdirFunction else { return ENOSYS }
            return addChdirFunction(&actions, path)
        }

        static func addClosefrom(_ actions: inout posix_spawn_file_actions_t, _ lowest: Int32) {
            _ = addClosefromFunction?(&actions, lowest)
        }
    }
#endif
