import Foundation

/// A bounded, blocking hand-off between two threads: the stages of a scan
/// (read history, classify, store) run on both cores, and a slow stage holds
/// the one before it back instead of letting memory grow.
final class BoundedPipe<Element>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private var capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Makes room for `capacity` items (never less than before).
    func grow(to capacity: Int) {
        condition.lock()
        defer { condition.unlock() }
        if capacity > self.capacity {
            self.capacity = capacity
            condition.broadcast()
        }
    }

    /// Waits for room; false when the pipe was closed (the reader gave up).
    @discardableResult
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Waits for an item; nil once the pipe is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Waits for an item, then takes every item waiting; empty once the pipe
    /// is closed and empty.
    func popAll() -> [Element] {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        let all = items
        items.removeAll(keepingCapacity: true)
        condition.broadcast()
        return all
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The first error any stage met, shared between threads.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var error: (any Error)?

    func record(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }
    var value: (any Error)? { lock.withLock { error } }
}

/// Runs `body` on a thread of its own; `join()` waits for it.
final class Stage: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [done] in
            body()
            done.signal()
        }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    func join() { done.wait() }
}

/// Runs `done` once the last of `count` workers has finished.
final class Countdown: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int
    private let done: () -> Void

    init(_ count: Int, done: @escaping () -> Void) {
        self.count = count
        self.done = done
    }

    func finish() {
        let last = lock.withLock { () -> Bool in
            count -= 1
            return count == 0
        }
        if last { done() }
    }
}
