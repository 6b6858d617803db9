import CensusKit
import CensusStore
import Foundation
import Reports

// Dates come from anyone: `--since`/`--until`/`--as-of` on the command line,
// `since=`/`until=` from any client of the daemon, and commit times from any
// repository. Parsing them, formatting any 64-bit time and cutting a period
// into weeks and months must never trap; what is accepted stays in range.
let now = Date(timeIntervalSince1970: 1_780_000_000)
let utc = TimeZone(identifier: "UTC")!
let berlin = TimeZone(identifier: "Europe/Berlin")!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    // The first eight bytes are also a raw commit time, as a hostile object may carry.
    var raw: Int64 = 0
    for byte in bytes.prefix(8) { raw = raw << 8 | Int64(byte) }
    _ = TimeFormat.iso8601(raw, offsetMinutes: Int(Int16(truncatingIfNeeded: raw)) % 900)
    _ = TimeFormat.utc(raw)

    let text = String(decoding: bytes, as: UTF8.self)
    if let zone = Periods.timeZone(text) { _ = Periods.covering(first: 0, last: 86_400 * 40, interval: .week, zone: zone) }
    do {
        let value = try DateArgument.value(text, now: now)
        precondition((DateArgument.earliest...DateArgument.latest).contains(value))
        _ = TimeFormat.day(value)
        for interval in Interval.allCases {
            let periods = Periods.covering(first: value, last: min(value + 400 * 86_400, DateArgument.latest),
                                           interval: interval, zone: raw & 1 == 0 ? utc : berlin)
            precondition(periods.allSatisfy { $0.start < $0.end })
        }
    } catch {
        precondition(!error.explanation.isEmpty)
    }
    return 0
}
