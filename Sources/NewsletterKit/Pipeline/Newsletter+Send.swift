public import Foundation
import GRDB
import Logging

extension Newsletter {
    /// Fetches, selects, freezes one digest, and delivers it to every active subscriber.
    ///
    /// Holds the run lock for the whole run (case 27). Digests left unfinished by an earlier run
    /// (crash, 4xx deferrals) are resumed first, with their frozen content (case 26). When
    /// nothing is new, nothing is sent and no SMTP connection is opened (case 10). Everything
    /// that could make a message fail to build is checked before the digest is frozen.
    ///
    /// - Parameters:
    ///   - now: the run's time; the run's one clock (``RunClock``) starts here.
    ///   - dryRun: select, render and check, but neither send nor record anything.
    ///   - transport: the mail transport the messages go out through (SMTP in production).
    ///   - resendUncertain: first turn every uncertain delivery (no reply to the end of DATA) back
    ///     into a pending one, accepting that some of those people get the issue twice.
    /// - Returns: what the run did: the digest frozen (if any), the digests resumed, the fetch summary, the
    ///   delivery counts and failed, uncertain and disabled recipients, and the archive written (or why not).
    /// - Throws: ``ConfigError`` when neither `unsubscribe_url` nor `unsubscribe_mailto` is set;
    ///   ``RunLockError`` when another run is active; ``StoreError`` when the state folder
    ///   is not writable or full (a database error is rethrown as a ``StoreError`` naming the state file);
    ///   ``NewsletterError`` when every source failed, the subscriber list
    ///   is missing, or a message would not build; database and file errors.
    public func send(now: Date, dryRun: Bool, transport: any MailTransport, resendUncertain: Bool = false)
        async throws -> SendReport
    {
        try await send(
            clock: RunClock(start: now), dryRun: dryRun, transport: transport, resendUncertain: resendUncertain)
    }

    /// ``send(now:dryRun:transport:resendUncertain:)`` with an injected clock.
    ///
    /// Cancelling the calling task is a stop request (``stop``, as SIGINT): the messages in flight finish
    /// and are recorded, nobody else is tried, and the run still records what happened and returns its
    /// report. Cancelled before the digest is frozen, nothing is frozen. The request ends with the run it
    /// stopped.
    public func send(clock: RunClock, dryRun: Bool, transport: any MailTransport, resendUncertain: Bool = false)
        async throws -> SendReport
    {
        // GRDB's async accesses throw CancellationError in a cancelled task, which would drop the
        // bookkeeping after the last message: the run goes on in a task of its own, which the caller's
        // cancellation does not reach except as the stop request.
        let stop = self.stop
        let run = Task {
            defer { stop.clear() }
            return try await sendUncancelled(
                clock: clock, dryRun: dryRun, transport: transport, resendUncertain: resendUncertain)
        }
        return try await withTaskCancellationHandler {
            try await run.value
        } onCancel: {
            stop.request()
        }
    }

    private func sendUncancelled(
        clock: RunClock, dryRun: Bool, transport: any MailTransport, resendUncertain: Bool
    ) async throws -> SendReport {
        try config.requireUnsubscribeMethod()
        let lock = try RunLock(path: config.stateFile.path + ".lock")
        defer { withExtendedLifetime(lock) {} }
        do {
            var report = try await sendHoldingLock(
                clock: clock, dryRun: dryRun, transport: transport, resendUncertain: resendUncertain)
            if !dryRun { report.disabledRecipients = try await sender.disableBouncing(report.failedRecipients) }
            if !dryRun, report.delivery.accepted > 0 {
                do {
                    report.archive = try await writeArchive()
                } catch {
                    report.archiveProblem = "\(error)"
                    logger.error("archive not written: \(error)")
                }
            }
            return report
        } catch let error as DatabaseError {
            // Name the state file (disk full, read-only, locked, corrupt) instead of a bare SQLite error.
            throw StoreError(path: database.path, reason: "\(error)")
        }
    }

    private func sendHoldingLock(clock: RunClock, dryRun: Bool, transport: any MailTransport, resendUncertain: Bool)
        async throws -> SendReport
    {
        var report = SendReport()
        let sender = self.sender
        let listPath = config.subscribersFile.path
        // Streamed into a temporary snapshot: memory does not grow with the list.
        let logger = self.logger
        let subscribers = try SubscriberSnapshot.read(config: config) { logger.warning("\($0)") }
        let listExists = subscribers.exists

        if !dryRun {
            try database.checkWritable()
            // Outcomes a stopped run left only in its outcome log, before any pending delivery is read.
            let replayed = try database.replayOutcomeLog()
            if replayed.applied > 0 {
                logger.notice(
                    "\(replayed.applied) delivery outcome(s) that a stopped run had logged are now in the ledger")
            }
            if replayed.damaged > 0 {
                logger.warning(
                    "\(database.path)-outcomes: \(replayed.damaged) damaged line(s) skipped: the deliveries they recorded may go out a second time"
                )
            }
            if resendUncertain { report.requeuedUncertain = try await database.resendUncertain(at: clock.now()) }
            let unfinished = try await database.unfinishedDigests()
            // A missing or emptied list (saved with only its header, a wrong file) would turn every pending
            // delivery into "no longer an active subscriber": the resume stops instead. A list whose rows are
            // all unsubscribed still resumes (those people did leave).
            if !unfinished.isEmpty, !listExists || subscribers.count == 0 {
                let digests = unfinished.map { "\($0.id ?? 0)" }.joined(separator: ", ")
                throw NewsletterError(
                    description:
                        "\(listPath): \(listExists ? "the subscriber list has no rows" : "no such subscriber list"): cannot resume digest \(digests); nothing sent, every pending delivery kept"
                )
            }
            for digest in unfinished {
                guard let id = digest.id else { continue }
                onResume?(id, digest.subject)
                report.resumedDigests.append(id)
                let outcome = try await sender.deliver(
                    digest: digest, subscribers: subscribers, clock: clock, transport: transport)
                report.add(outcome.report, finish: outcome.finish)
                if report.mustStop { return report }
            }
        }

        if dryRun {
            report.unfinishedDigests = try await database.unfinishedDigests().compactMap { digest in
                digest.id.map { ($0, digest.subject) }
            }
        }
        let now = clock.start
        let built = try await builder.build(now: now, countsFailures: !dryRun)
        report.fetch = built.fetch
        guard let content = built.content else {
            report.nothingNew = true
            return report
        }
        report.subject = content.subject
        report.articleCount = content.items.count
        guard subscribers.activeCount > 0 else {
            if dryRun { return report }
            guard listExists else {
                throw NewsletterError(
                    description:
                        "\(listPath): no such subscriber list (add one with `newsletter subscribers add EMAIL`); nothing sent and nothing marked"
                )
            }
            throw NewsletterError(description: "\(listPath): no active subscribers; nothing sent and nothing marked")
        }
        try sender.checkBeforeFreezing(content, subscribers: subscribers, now: now)
        // A busy week is trimmed to the HTML budget (case 13): say how many articles only the web page lists.
        report.omittedArticles =
            composer.renderer.render(content, for: DigestRenderer.Recipient(name: "", unsubscribeURL: nil))
            .omittedCount
        if dryRun { return report }
        if stop.isRequested {
            // Stopped while fetching: nothing frozen, so the next run builds the digest afresh.
            report.delivery.interrupted = true
            return report
        }

        let digest = try await sender.freeze(content, subscribers: subscribers, clock: clock)
        report.digestID = digest.id
        let outcome = try await sender.deliver(
            digest: digest, subscribers: subscribers, clock: clock, transport: transport)
        report.add(outcome.report, finish: outcome.finish)
        return report
    }
}
