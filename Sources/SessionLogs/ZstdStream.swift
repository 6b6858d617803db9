import Foundation

/// A zstd-compressed file, decompressed a chunk at a time through the
/// system's libzstd, loaded when first needed: where it is not installed,
/// compressed logs are counted as not read, and census needs no zstd to
/// build or to install.
final class ZstdStream {
    private typealias Create = @convention(c) () -> OpaquePointer?
    private typealias Free = @convention(c) (OpaquePointer?) -> Int
    /// The buffers are an `OutBuffer` and an `InBuffer`.
    private typealias Decompress = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int
    private typealias IsError = @convention(c) (Int) -> UInt32

    /// zstd's `ZSTD_inBuffer` and `ZSTD_outBuffer`: a pointer and two `size_t`s.
    private struct InBuffer { var source: UnsafeRawPointer?; var size: Int; var position: Int }
    private struct OutBuffer { var destination: UnsafeMutableRawPointer?; var size: Int; var position: Int }

    private struct Library {
        let create: Create, free: Free, decompress: Decompress, isError: IsError
    }

    private static let library: Library? = {
        guard let handle = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, _ type: T.Type) -> T? { dlsym(handle, name).map { unsafeBitCast($0, to: type) } }
        guard let create = symbol("ZSTD_createDCtx", Create.self), let free = symbol("ZSTD_freeDCtx", Free.self),
              let decompress = symbol("ZSTD_decompressStream", Decompress.self), let isError = symbol("ZSTD_isError", IsError.self)
        else { return nil }
        return Library(create: create, free: free, decompress: decompress, isError: isError)
    }()

    static var isAvailable: Bool { library != nil }

    private let library: Library
    private let context: OpaquePointer
    private let handle: FileHandle
    private var input = Data()
    private var inputPosition = 0
    private var output = [UInt8](repeating: 0, count: 1 << 17)
    private(set) var failed = false

    init?(path: String) {
        guard let library = Self.library, let handle = FileHandle(forReadingAtPath: path), let context = library.create() else { return nil }
        self.library = library
        self.handle = handle
        self.context = context
    }

    deinit {
        _ = library.free(context)
        try? handle.close()
    }

    /// The next decompressed bytes; nil at the end of the file, or when it is not zstd (`failed`).
    func next() -> Data? {
        while !failed {
            if inputPosition == input.count {
                guard let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty else { return nil }
                input = chunk
                inputPosition = 0
            }
            let produced = input.withUnsafeBytes { source -> Int in
                var inBuffer = InBuffer(source: source.baseAddress, size: source.count, position: inputPosition)
                return output.withUnsafeMutableBytes { destination in
                    var outBuffer = OutBuffer(destination: destination.baseAddress, size: destination.count, position: 0)
                    let code = withUnsafeMutablePointer(to: &outBuffer) { out in
                        withUnsafeMutablePointer(to: &inBuffer) { library.decompress(context, UnsafeMutableRawPointer(out), UnsafeMutableRawPointer($0)) }
                    }
                    inputPosition = inBuffer.position
                    if library.isError(code) != 0 { failed = true }
                    return outBuffer.position
                }
            }
            if produced > 0 { return Data(output[0..<produced]) }
        }
        return nil
    }
}
