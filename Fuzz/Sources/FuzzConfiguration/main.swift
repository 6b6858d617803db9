import CensusKit

// census.yml: any text gives a configuration or an error naming the file,
// never a crash.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        _ = try CensusConfiguration.parse(text, file: "fuzz.yml")
    } catch {
        precondition(error.description.contains("fuzz.yml"))
    }
    return 0
}
