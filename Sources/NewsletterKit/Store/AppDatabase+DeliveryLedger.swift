public import Foundation
import GRDB

/// One attempt's outcome, as the ledger records it.
public struct DeliveryAttempt: Sendable, Equatable {
    public var digestID: Int64
    public var email: String
    public var outcome: SMTPOutcome
    /// No further attempt follows in this run (a temporary failure is then deferred or given up).
    public var final: Bool

    public init(digestID: Int64, email: String, outcome: SMTPOutcome, final: Bool) {
        self.digestID = digestID
        self.email = email
        self.outcome = outcome
        self.final = final
    }
}

/// The delivery ledger: digests are frozen with one pending delivery per subscriber, deliveries
/// are claimed, their outcomes recorded, and a digest is finished when nothing is pending.
extension AppDatabase {
    /// Stores the digest, its articles and one pending delivery per recipient, in one
    /// transaction, before anything is sent: from here on its articles count as sent.
    ///
    /// - Parameters:
    ///   - content: what the digest says (subject and items), stored as JSON; its items' keys mark the
    ///     articles as sent, in item order.
    ///   - recipients: the email addresses to deliver to, one pending delivery each.
    ///   - messageID: makes each recipient's Message-ID (kept across resends).
    ///   - date: the freeze time: the digest's `createdAt` and each delivery's `updatedAt`.
    /// - Returns: the stored digest, with its new row id and the status `sending`.
    /// - Throws: ``StoreError`` when the digest gets no row id; GRDB's `DatabaseError` when the write
    ///   fails (the transaction is rolled back: nothing is stored).
    public func freezeDigest(
        _ content: DigestContent, recipients: [String], messageID: @Sendable () -> String, at date: Date
    ) async throws -> DigestRecord {
        try await freezeDigest(
            content, forEachRecipient: { each in for email in recipients { try each(email) } }, messageID: messageID,
            at: date)
    }

    /// Stores the digest, its articles and one pending delivery per recipient that
    /// `forEachRecipient` hands over, in one transaction, before anything is sent.
    ///
    /// The recipients are streamed into the transaction, never gathered in memory; SQLite spills the
    /// transaction's pages to the write-ahead log beyond its page cache, so memory stays bounded
    /// whatever the count. Freezing is atomic: a crash or an error before the commit leaves no digest
    /// and no delivery, and the next run freezes again from the start.
    ///
    /// - Parameters:
    ///   - content: what the digest says (subject and items), stored as JSON; its items' keys mark the
    ///     articles as sent, in item order.
    ///   - forEachRecipient: calls its argument with each recipient's address, in order; what it throws
    ///     (or what its argument throws) rolls the transaction back.
    ///   - messageID: makes each recipient's Message-ID (kept across resends).
    ///   - date: the freeze time: the digest's `createdAt` and each delivery's `updatedAt`.
    /// - Returns: the stored digest, with its new row id and the status `sending`.
    /// - Throws: ``StoreError`` when the digest gets no row id; GRDB's `DatabaseError` when the write
    ///   fails; what `forEachRecipient` throws. Nothing is stored then.
    /// - Complexity: O(*n* log *n*) for *n* recipients, memory independent of *n*.
    public func freezeDigest(
        _ content: DigestContent, forEachRecipient: @Sendable ((String) throws -> Void) throws -> Void,
        messageID: @Sendable () -> String, at date: Date
    ) async throws -> DigestRecord {
        try await writer.write { db in
            var digest = DigestRecord(
                id: nil, createdAt: date, subject: content.subject, content: content, status: .sending)
            try digest.insert(db)
            guard let id = digest.id else { throw StoreError(path: path, reason: "the digest was not stored") }
            for (position, item) in content.items.enumerated() {
                try DigestArticle(digestId: id, articleKey: item.key, position: position).insert(db)
            }
            let insert = try db.makeStatement(
                sql: """
                    INSERT INTO delivery (digestId, email, status, attempts, messageID, updatedAt)
                    VALUES (?, ?, ?, 0, ?, ?)
                    """)
            let pending = Delivery.Status.pending.rawValue
            try withoutActuallyEscaping(messageID) { messageID in
                try forEachRecipient { email in
                    try insert.execute(arguments: [id, email, pending, messageID(), date])
                }
            }
            return digest
        }
    }

    /// Digests frozen by earlier runs that still have pending deliveries, oldest first.
    public func unfinishedDigests() async throws -> [DigestRecord] {
        try await writer.read { db in
            try DigestRecord.filter(DigestRecord.Columns.status == DigestRecord.Status.sending.rawValue)
                .order(DigestRecord.Columns.id).fetchAll(db)
        }
    }

    /// One pending delivery handed out by ``claimPendingPage(digestID:after:limit:activeAmong:at:)``.
    public struct ClaimedDelivery: Sendable {
        /// The row's position in the ledger: the next page starts after the last one.
        public var position: Int64
        public var email: String
        public var messageID: String
        /// Attempts made by earlier runs.
        public var attempts: Int
    }

    /// The next page of the digest's pending deliveries, in ledger order, after `position` (0 for
    /// the first page): at most `limit` of them, so a send holds one page in memory, never the list.
    ///
    /// Deliveries in the page whose address is no longer active in the (successfully loaded)
    /// subscriber list are settled as failed in the same transaction and not returned.
    /// - Parameters:
    ///   - digestID: the digest whose deliveries to claim.
    ///   - position: where the page starts: after this row (`0` for the first page).
    ///   - limit: at most this many rows.
    ///   - activeAmong: called once with the page's addresses; returns those still active in the list.
    ///   - date: the time written on deliveries settled as failed.
    /// - Returns: the deliveries to send, and where the next page starts (`nil`: no more rows).
    /// - Throws: what `activeAmong` throws; GRDB's `DatabaseError` when the state file cannot be read or written.
    /// - Complexity: O(`limit` · log *n*): a range scan of the `(digestId, status)` index.
    public func claimPendingPage(
        digestID: Int64, after position: Int64, limit: Int, activeAmong: ([String]) throws -> Set<String>,
        at date: Date
    ) throws -> (deliveries: [ClaimedDelivery], next: Int64?) {
        try writer.write { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT rowid, email, messageID, attempts FROM delivery
                        WHERE digestId = ? AND status = ? AND rowid > ? ORDER BY rowid LIMIT ?
                        """),
                arguments: [digestID, Delivery.Status.pending.rawValue, position, limit])
            let active = try activeAmong(rows.map { $0[1] })
            var claimed: [ClaimedDelivery] = []
            claimed.reserveCapacity(rows.count)
            for row in rows {
                let email: String = row[1]
                if active.contains(email) {
                    claimed.append(ClaimedDelivery(position: row[0], email: email, messageID: row[2], attempts: row[3]))
                } else {
                    try db.cachedStatement(
                        sql: "UPDATE delivery SET status = ?, reply = ?, updatedAt = ? WHERE rowid = ?"
                    ).execute(arguments: [
                        Delivery.Status.failed.rawValue, Self.leftBeforeReply, date,
                        row[0] as Int64,
                    ])
                }
            }
            let last: Int64? = rows.last?[0]
            return (claimed, rows.count < limit ? nil : last)
        }
    }

    /// Every pending delivery of the digest, page after page
    /// (``claimPendingPage(digestID:after:limit:activeAmong:at:)``; tests and reports).
    public func claimPending(digestID: Int64, activeAmong: ([String]) throws -> Set<String>, at date: Date) throws
        -> [ClaimedDelivery]
    {
        var all: [ClaimedDelivery] = []
        var position: Int64? = 0
        while let after = position {
            let page = try claimPendingPage(
                digestID: digestID, after: after, limit: 1000, activeAmong: activeAmong, at: date)
            all += page.deliveries
            position = page.next
        }
        return all
    }

    /// Records a batch of outcomes in one transaction, committed and fsynced before this returns.
    ///
    /// A temporary failure (4xx, lost connection) that is final for this run is given up when the
    /// first temporary failure of that delivery is older than `giveUpBefore`. A fatal outcome
    /// (unreachable server, TLS, AUTH, stall) leaves the delivery pending and untouched: the
    /// give-up time never runs on it. A send records through a ``DeliveryRecorder`` instead (group
    /// commit, fsync once a second).
    /// - Throws: ``StoreError`` naming the file: the caller must stop sending.
    public func record(_ attempts: [DeliveryAttempt], at date: Date, giveUpBefore: Date, giveUpHours: Double) throws {
        let cutoffHours = date.timeIntervalSince(giveUpBefore) / 3600
        try record(attempts.map { ($0, date) }, giveUpHours: cutoffHours, reportedHours: giveUpHours, sync: true)
    }

    /// Records outcomes, each with the time it was reported at, in one transaction.
    ///
    /// - Parameters:
    ///   - batch: the attempts to record, in order, each with the time its outcome was reported at.
    ///   - giveUpHours: a temporary failure is given up when its first one is older than this.
    ///   - reportedHours: the figure named in the "gave up after N h" reply (default `giveUpHours`).
    ///   - sync: fsync the write-ahead log at this commit (`synchronous = FULL`), making this and
    ///     every earlier commit survive a power cut; otherwise `synchronous = NORMAL`: the commit
    ///     survives a process kill, not necessarily a power cut (see ``DeliveryRecorder``).
    /// - Throws: ``StoreError`` naming the file: the caller must stop sending.
    func record(
        _ batch: [(attempt: DeliveryAttempt, date: Date)], giveUpHours: Double, reportedHours: Double? = nil,
        sync: Bool
    ) throws {
        guard !batch.isEmpty else { return }
        try ledgerTransaction(sync: sync) { db in
            for (attempt, date) in batch {
                try Self.record(
                    attempt, at: date, giveUpBefore: date.addingTimeInterval(-giveUpHours * 3600),
                    giveUpHours: reportedHours ?? giveUpHours, db)
            }
        }
    }

    /// One transaction of the ledger's writes (`BEGIN IMMEDIATE` … `COMMIT`), rolled back on any error.
    ///
    /// Cached statements throughout: this runs on the send path, where compiling the pragmas, BEGIN and COMMIT
    /// each time cost more than the UPDATE itself. The connection's default is FULL (every other write of the
    /// store); NORMAL, once set, stays between these commits until the next FULL one (the recorder's last apply is
    /// one; switching for each commit cost a twentieth of the send path's CPU).
    /// - Parameters:
    ///   - sync: commit with `synchronous = FULL` (fsync), else `NORMAL`.
    ///   - body: the writes.
    /// - Throws: ``StoreError`` naming the file: the caller must stop sending.
    func ledgerTransaction(sync: Bool, _ body: (Database) throws -> Void) throws {
        do {
            try writer.writeWithoutTransaction { db in
                try Self.setSynchronous(full: sync, db, state: writerSynchronous)
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    try body(db)
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                } catch {
                    // Nothing of the batch stays half-written (a failed COMMIT may leave the transaction open).
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
                    throw error
                }
            }
        } catch {
            throw StoreError(path: path, reason: "cannot record a delivery (\(error))")
        }
    }

    /// Settles a pending delivery whose subscriber left the list while the digest was being sent
    /// (``SubscriberListWatch``): `failed` with no attempt made, as a page claim settles an address that left
    /// before the run, so that the digest can finish and nobody counts it as a failed delivery.
    /// - Throws: ``StoreError`` naming the file: the caller must stop sending.
    public func settleLeftDuringSend(digestID: Int64, email: String, at date: Date) throws {
        do {
            try writer.write { db in
                try db.execute(
                    sql: "UPDATE delivery SET status = ?, reply = ?, updatedAt = ?"
                        + " WHERE digestId = ? AND email = ? AND status = ?",
                    arguments: [
                        Delivery.Status.failed.rawValue, Self.leftDuringReply, date,
                        digestID, email, Delivery.Status.pending.rawValue,
                    ])
            }
        } catch {
            throw StoreError(path: path, reason: "cannot record a delivery (\(error))")
        }
    }

    static func setSynchronous(full: Bool, _ db: Database, state: WriterSynchronous) throws {
        guard state.isFull != full else { return }
        try db.cachedStatement(sql: full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL").execute()
        state.isFull = full
    }

    static func record(
        _ attempt: DeliveryAttempt, at date: Date, giveUpBefore: Date, giveUpHours: Double, _ db: Database
    ) throws {
        let settled: Delivery.Status?
        switch attempt.outcome {
        case .accepted: settled = .accepted
        case .permanentFailure: settled = .failed
        case .uncertain: settled = .uncertain
        case .temporaryFailure, .fatal: settled = nil
        }
        if let settled {
            // The common case, one cached statement: no read, no record encoding.
            try db.cachedStatement(
                sql: """
                    UPDATE delivery SET status = ?, attempts = attempts + 1, replyCode = ?, reply = ?, updatedAt = ?
                    WHERE digestId = ? AND email = ?
                    """
            ).execute(arguments: [
                settled.rawValue, attempt.outcome.code, attempt.outcome.reply, StorageDate.databaseValue(date),
                attempt.digestID, attempt.email,
            ])
            return
        }
        guard var delivery = try Delivery.fetchOne(db, key: ["digestId": attempt.digestID, "email": attempt.email])
        else { return }
        delivery.updatedAt = date
        if case .fatal(let reply) = attempt.outcome {
            delivery.reply = reply
            try delivery.update(db)
            return
        }
        delivery.firstAttemptAt = delivery.firstAttemptAt ?? date
        delivery.status = .pending
        delivery.attempts += 1
        delivery.replyCode = attempt.outcome.code
        delivery.reply = attempt.outcome.reply
        if attempt.final, let first = delivery.firstAttemptAt, first < giveUpBefore {
            delivery.status = .failed
            delivery.reply = "gave up after \(Int(giveUpHours)) h of temporary failures: \(attempt.outcome.reply)"
        }
        try delivery.update(db)
    }

    /// What a digest's run left: marks the digest `sent` when nothing is pending.
    public struct DigestFinish: Sendable {
        /// Addresses that failed permanently (or were given up) at or after the run's start.
        public var failed: [String]
        /// Addresses whose delivery is uncertain (see ``Delivery/Status/uncertain``).
        public var uncertain: [String]
        public var pending: Int
    }

    /// See ``DigestFinish``.
    public func finishDigest(_ id: Int64, runStartedAt start: Date) async throws -> DigestFinish {
        try await writer.write { db in
            let remaining = try Delivery.filter(
                Delivery.Columns.digestId == id && Delivery.Columns.status == Delivery.Status.pending.rawValue
            ).fetchCount(db)
            if remaining == 0, var record = try DigestRecord.fetchOne(db, key: id), record.status != .sent {
                record.status = .sent
                try record.update(db)
            }
            let failed = try Delivery.filter(
                Delivery.Columns.digestId == id && Delivery.Columns.status == Delivery.Status.failed.rawValue
                    && Delivery.Columns.attempts > 0 && Delivery.Columns.updatedAt >= start
            ).select(Delivery.Columns.email, as: String.self).fetchAll(db)
            let uncertain = try Delivery.filter(
                Delivery.Columns.digestId == id && Delivery.Columns.status == Delivery.Status.uncertain.rawValue
            ).select(Delivery.Columns.email, as: String.self).fetchAll(db)
            return DigestFinish(failed: failed, uncertain: uncertain, pending: remaining)
        }
    }

    /// Turns every uncertain delivery back into a pending one (`send --resend-uncertain`) and
    /// reopens its digest.
    ///
    /// Returns how many.
    public func resendUncertain(at date: Date) async throws -> Int {
        try await writer.write { db in
            let ids = try Delivery.filter(Delivery.Columns.status == Delivery.Status.uncertain.rawValue)
                .select(Delivery.Columns.digestId, as: Int64.self).distinct().fetchAll(db)
            let count = try Delivery.filter(Delivery.Columns.status == Delivery.Status.uncertain.rawValue)
                .updateAll(
                    db, Delivery.Columns.status.set(to: Delivery.Status.pending.rawValue),
                    Delivery.Columns.updatedAt.set(to: date))
            try DigestRecord.filter(keys: ids).updateAll(
                db, DigestRecord.Columns.status.set(to: DigestRecord.Status.sending.rawValue))
            return count
        }
    }

    /// The addresses among `emails` whose last `limit` finished deliveries all failed with a 5xx
    /// reply (the bounce policy, case 23).
    public func consecutivePermanentFailures(_ emails: [String], limit: Int) async throws -> [String] {
        try await writer.read { db in
            try emails.filter { email in
                let codes = try Delivery.filter(
                    Delivery.Columns.email == email && Delivery.Columns.status != Delivery.Status.pending.rawValue
                ).order(Delivery.Columns.digestId.desc).limit(limit)
                    .select(Delivery.Columns.replyCode, as: Int?.self).fetchAll(db)
                return codes.count == limit && codes.allSatisfy { ($0 ?? 0) >= 500 }
            }
        }
    }

    /// A digest's deliveries (reports, tests).
    public func deliveries(digestID: Int64) async throws -> [Delivery] {
        try await writer.read { db in
            try Delivery.filter(Delivery.Columns.digestId == digestID).order(Delivery.Columns.email).fetchAll(db)
        }
    }

    /// One delivery (reports, tests).
    public func delivery(digestID: Int64, email: String) async throws -> Delivery? {
        try await writer.read { db in try Delivery.fetchOne(db, key: ["digestId": digestID, "email": email]) }
    }
}

extension AppDatabase {
    /// How many deliveries of the digest are pending (a read: works while another process holds
    /// the write lock).
    public func pendingCount(digestID: Int64) throws -> Int {
        try writer.read { db in
            try Delivery.filter(
                Delivery.Columns.digestId == digestID && Delivery.Columns.status == Delivery.Status.pending.rawValue
            ).fetchCount(db)
        }
    }
}
