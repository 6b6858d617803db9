import Foundation

/// A TCP socket on a loopback port the kernel chose: held (listening) to make
/// a port busy, or closed at once to learn a port nobody listens on.
final class LoopbackPort {
    let socket: Int32
    let port: Int

    init(listening: Bool) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let socket = socket
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && (!listening || listen(socket, 1) == 0) && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { close(socket); throw ShellError(command: "bind", status: errno, stderr: "") }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }

    /// A port free now (another process may take it before it is used).
    static func free() throws -> Int { try LoopbackPort(listening: false).port }
}
