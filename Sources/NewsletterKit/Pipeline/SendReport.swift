/// What ``Newsletter/send(now:dryRun:transport:resendUncertain:)`` did.
public struct SendReport: Sendable {
    /// The digest created in this run, if any.
    public var digestID: Int64?
    public var subject: String?
    public var articleCount = 0
    /// Articles of the new digest left out of the message to keep its HTML part under the budget (Gmail clips at
    /// 102 KB, case 13): listed only on the web page (`archive_url`), if there is one.
    public var omittedArticles = 0
    /// Digests of earlier runs that still had pending deliveries and were resumed.
    public var resumedDigests: [Int64] = []
    /// With `dryRun`: digests of earlier runs left unfinished, by id with their subjects, which a real send resumes
    /// before anything new (a dry run after a killed send said only "nothing new").
    public var unfinishedDigests: [(id: Int64, subject: String)] = []
    public var delivery = DeliveryEngine.Report()
    public var fetch = FetchSummary()
    /// `true` when no article was new: nothing was sent and no connection opened.
    public var nothingNew = false
    /// Addresses whose delivery failed permanently in this run.
    public var failedRecipients: [String] = []
    /// Addresses whose delivery is uncertain (no reply to the end of DATA): not resent unless
    /// `send --resend-uncertain`.
    public var uncertainRecipients: [String] = []
    /// Deliveries still pending when the run ended (deferred 4xx, or the run stopped).
    public var pending = 0
    /// Uncertain deliveries turned back to pending by `--resend-uncertain`.
    public var requeuedUncertain = 0
    /// Addresses disabled (status `bounced`) in this run after repeated permanent failures.
    public var disabledRecipients: [String] = []
    /// The web archive, when a message went out in this run (see ``Newsletter/writeArchive()``).
    public var archive: ArchiveWriter.Summary?
    /// Why the archive could not be written (the digest itself went out).
    public var archiveProblem: String?

    /// Whether every delivery of the digests handled in this run was accepted.
    public var everythingDelivered: Bool {
        delivery.fatalError == nil && delivery.recordingError == nil && delivery.buildError == nil
            && !delivery.interrupted && delivery.permanentFailures == 0 && delivery.deferred == 0
            && pending == 0 && failedRecipients.isEmpty && uncertainRecipients.isEmpty
    }

    /// Adds one digest's delivery results.
    mutating func add(_ outcome: DeliveryEngine.Report, finish: AppDatabase.DigestFinish) {
        delivery.accepted += outcome.accepted
        delivery.permanentFailures += outcome.permanentFailures
        delivery.deferred += outcome.deferred
        delivery.uncertain += outcome.uncertain
        delivery.fatalError = delivery.fatalError ?? outcome.fatalError
        delivery.recordingError = delivery.recordingError ?? outcome.recordingError
        delivery.buildError = delivery.buildError ?? outcome.buildError
        delivery.interrupted = delivery.interrupted || outcome.interrupted
        delivery.notSent += outcome.notSent
        failedRecipients += finish.failed
        uncertainRecipients += finish.uncertain
        pending += finish.pending
    }

    /// Whether the run must stop before the next digest.
    var mustStop: Bool {
        delivery.fatalError != nil || delivery.recordingError != nil || delivery.buildError != nil
            || delivery.interrupted
    }
}
