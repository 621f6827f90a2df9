extension SendReport {
    /// The report as lines for a person, in order: sources, resumed digests, the digest, totals,
    /// and each address that failed, is uncertain or was disabled.
    public func summaryLines(dryRun: Bool) -> [String] {
        var lines: [String] = []
        for failure in fetch.failedSources { lines.append("source failed: \(failure.name): \(failure.reason)") }
        for problem in fetch.problems { lines.append("skipped: \(problem)") }
        if requeuedUncertain > 0 {
            lines.append("resending \(requeuedUncertain) uncertain deliveries (--resend-uncertain)")
        }
        for id in resumedDigests { lines.append("resumed digest \(id) from an earlier run") }
        if nothingNew {
            lines.append("nothing new since the last digest: nothing sent")
        } else if dryRun {
            lines.append(
                "dry run: would send \"\(subject ?? "")\" with \(articleCount) article(s); nothing sent or recorded")
            return lines
        } else if let id = digestID {
            lines.append("digest \(id): \"\(subject ?? "")\", \(articleCount) article(s)")
        }
        if delivery.accepted + delivery.permanentFailures + delivery.deferred + delivery.uncertain > 0
            || delivery.fatalError != nil
        {
            lines.append(
                "delivered: \(delivery.accepted) accepted, \(delivery.permanentFailures) failed permanently, \(delivery.deferred) deferred to the next run"
                    + (delivery.uncertain > 0 ? ", \(delivery.uncertain) uncertain" : ""))
        }
        for address in failedRecipients { lines.append("failed: \(address)") }
        for address in uncertainRecipients {
            lines.append(
                "uncertain: \(address) (no reply to the end of DATA; not resent: check the relay's log, then `send --resend-uncertain` if it was not delivered)"
            )
        }
        for address in disabledRecipients {
            lines.append(
                "disabled: \(address) (\(DigestSender.bounceLimit) permanent failures in a row; status set to bounced)")
        }
        return lines
    }
}
