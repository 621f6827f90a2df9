public import Foundation

extension SubscriberList {
    /// Marks as `bounced` each of `emails` whose row is `active`, like ``markBounced(email:)`` inside
    /// ``modify(_:tokens:_:)``, without reading the list into memory.
    ///
    /// When the file is in the list's own layout (see ``add(email:name:today:updateName:resubscribe:to:tokens:warn:)``),
    /// one byte-level pass finds the row that counts for each address (the first with a valid address and a
    /// known status, as ``SubscriberList`` reads it) and only their status cells are rewritten; every other
    /// byte is copied as it is, and the file is replaced atomically under the list's lock. Otherwise the whole
    /// list is read and written back as ``modify(_:tokens:_:)`` does. A send with bounces on a 100,000-row list
    /// so never holds the list's rows in memory.
    ///
    /// - Parameters:
    ///   - emails: the addresses to disable (any spelling with the same ``SubscriberAddress/key(_:)``).
    ///   - file: the subscriber list.
    ///   - tokens: the list's tokens (used only when the whole list is read).
    /// - Returns: the addresses among `emails` that were active and are now `bounced`, in the order given.
    /// - Throws: ``SubscriberError`` or a file error naming the path when the list cannot be locked, read or
    ///   written.
    /// - Complexity: O(*n*) in the file's size, with memory for its bytes on the byte-level path.
    public static func markBounced(_ emails: [String], in file: URL, tokens: SubscriberTokens?) throws -> [String] {
        guard !emails.isEmpty else { return [] }
        let lock: RunLock
        do {
            lock = try RunLock(path: file.path + ".lock", wait: true)
        } catch {
            throw SubscriberError(file: file.path, reason: "cannot lock the list: \(error)")
        }
        return try withExtendedLifetime(lock) {
            guard FileManager.default.fileExists(atPath: file.path) else { return [] }
            let bytes = try readBytes(of: file)
            var wanted: [[UInt8]: Bool] = [:]  // key -> settled (its row found)
            for email in emails { wanted[Array(SubscriberAddress.key(email.trimmingSpaces()).utf8)] = false }
            var patches: [(range: Range<Int>, key: [UInt8])] = []
            let bom = AppendScan.byteOrderMarkLength(bytes)
            let complete = bytes.withUnsafeBufferPointer { whole -> Bool in
                let buffer = UnsafeBufferPointer(rebasing: whole[bom...])
                guard let header = AppendScan.header(buffer) else { return false }
                var scratch: [UInt8] = []
                var tooShort = false
                let read = AppendScan.forEachRow(buffer, from: header.dataStart) { row in
                    let key: [UInt8]
                    let plain =
                        !row.email.isEmpty && row.email.allSatisfy { $0 > 0x20 && $0 < 0x7F }
                        && row.email.first != UInt8(ascii: "=")
                    if plain {
                        // Lower-cased into a reused buffer: no allocation for the rows that are not wanted.
                        scratch.removeAll(keepingCapacity: true)
                        for byte in row.email { scratch.append((0x41...0x5A).contains(byte) ? byte | 0x20 : byte) }
                        guard wanted[scratch] == false else { return true }
                        key = scratch
                    } else {
                        guard let text = AppendScan.key(of: row.email), wanted[Array(text.utf8)] == false else {
                            return true
                        }
                        key = Array(text.utf8)
                    }
                    let status = String(decoding: row.status, as: UTF8.self).trimmingSpaces().lowercased()
                    guard status.isEmpty || Subscriber.Status(rawValue: status) != nil else { return true }
                    wanted[key] = true
                    guard status.isEmpty || status == Subscriber.Status.active.rawValue else { return true }
                    guard let range = row.statusRange else {
                        tooShort = true
                        return false
                    }
                    patches.append((range.lowerBound + bom..<range.upperBound + bom, key))
                    return true
                }
                return read && !tooShort
            }
            guard complete else {
                // Already under the lock: read, change and write here (``modify(_:tokens:_:)`` would lock again).
                var list = try load(from: file, tokens: tokens)
                let disabled = emails.filter { email in
                    list.subscriber(email)?.status == .active && list.markBounced(email: email) != nil
                }
                try list.save()
                return disabled
            }
            guard !patches.isEmpty else { return [] }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + patches.count * 8)
            var copied = 0
            for patch in patches {
                out += bytes[copied..<patch.range.lowerBound]
                out += Subscriber.Status.bounced.rawValue.utf8
                copied = patch.range.upperBound
            }
            out += bytes[copied...]
            try out.withUnsafeMutableBytes { buffer in
                guard let base = buffer.baseAddress else { return }
                try AtomicFile.write(Data(bytesNoCopy: base, count: buffer.count, deallocator: .none), to: file)
            }
            let disabled = Set(patches.map(\.key))
            return emails.filter { disabled.contains(Array(SubscriberAddress.key($0.trimmingSpaces()).utf8)) }
        }
    }
}
