import Crypto
public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The secrets in subscribers' links: derived, never stored, valid for as long as the row exists.
///
/// A token is `HMAC-SHA256(secret, purpose ‖ 0x00 ‖ list id ‖ 0x00 ‖ address key)`, its first 15 bytes
/// written in lowercase RFC 4648 base32 without padding (24 characters of `a-z2-7`, 120 bits). The address
/// key is the address lower-cased with its domain as A-labels (``SubscriberAddress/key(_:)``), so a row
/// added by a command, an import or a text editor has the same token from its first message on, and a
/// change of letter case keeps it. Without the secret a token cannot be computed from an address.
///
/// The secret is the text of the environment variable `NEWSLETTER_TOKEN_SECRET` when set, else the file
/// `token-secret` in the state folder (mode 0600), created on first use with 32 random bytes as 64 hex
/// digits. At least 32 characters; the HMAC key is its UTF-8 bytes, so the file's content copied into the
/// variable (for `serve` on another machine) gives the same tokens. Losing or changing the secret kills
/// every derived link: back it up with the list.
///
/// Lists written by older versions carry a random token in their `token` column; where it is usable
/// (``Subscriber/hasUsableStoredToken``) it stays the one mailed and accepted, and the derived one is
/// accepted too. All comparisons are constant-time.
public struct SubscriberTokens: Sendable {
    /// What a token allows; each purpose gives a different token for the same address.
    public enum Purpose: String, Sendable, CaseIterable {
        /// The link in every digest (List-Unsubscribe, RFC 8058 one-click, the footer link).
        case unsubscribe
        /// The double opt-in link mailed to a `pending` address.
        case confirm
    }

    /// The environment variable that holds the secret, when the state folder's file is not used.
    public static let environmentVariable = "NEWSLETTER_TOKEN_SECRET"
    /// The secret's file name inside the state folder.
    public static let secretFileName = "token-secret"
    /// The length of a derived token, in characters.
    public static let tokenLength = 24

    /// The HMAC keyed with the secret, prepared once: its inner and outer pads are computed here, and each
    /// token copies it (the hash state is copy-on-write) instead of keying a new one.
    private let keyed: PreparedHMAC
    /// The RFC 2919 list id mixed into every token, so two lists under one secret have different tokens.
    public let listID: String

    /// Tokens under `secret` for the list `listID`.
    ///
    /// - Parameters:
    ///   - secret: at least 32 bytes, normally from ``load(stateFolder:listID:environment:)``.
    ///   - listID: the configuration's `list_id`.
    public init(secret: [UInt8], listID: String) {
        keyed = PreparedHMAC(HMAC<SHA256>(key: SymmetricKey(data: secret)))
        self.listID = listID
    }

    /// Tokens for the configured list: the secret from the environment or the state folder (created there
    /// on first use).
    /// - Throws: ``SubscriberError`` naming the file or the variable when the secret cannot be read,
    ///   created, or is shorter than 32 characters.
    public init(config: NewsletterConfig, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws
    {
        self = try Self.load(
            stateFolder: config.stateFile.deletingLastPathComponent(), listID: config.listID,
            environment: environment)
    }

    /// Reads the secret from `NEWSLETTER_TOKEN_SECRET` or `stateFolder/token-secret`, creating the file
    /// (mode 0600, 64 hex digits from the system's random generator) when neither exists.
    ///
    /// Creation is race-free: the secret is written to a temporary file and hard-linked into place, so two
    /// processes starting at once end up with the same secret.
    /// - Throws: ``SubscriberError`` naming the file or variable.
    public static func load(stateFolder: URL, listID: String, environment: [String: String]) throws
        -> SubscriberTokens
    {
        if let value = environment[environmentVariable] {
            let secret = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard secret.utf8.count >= 32 else {
                throw SubscriberError(
                    file: "$\(environmentVariable)", reason: "the token secret must be at least 32 characters")
            }
            return SubscriberTokens(secret: Array(secret.utf8), listID: listID)
        }
        let file = stateFolder.appendingPathComponent(secretFileName)
        if let secret = try readSecret(file) { return SubscriberTokens(secret: secret, listID: listID) }
        try createSecret(file)
        guard let secret = try readSecret(file) else {
            throw SubscriberError(file: file.path, reason: "the token secret vanished after it was created")
        }
        return SubscriberTokens(secret: secret, listID: listID)
    }

    private static func readSecret(_ file: URL) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw SubscriberError(
                file: file.path, reason: "cannot read the token secret (\(error.localizedDescription))")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.utf8.count >= 32 else {
            throw SubscriberError(
                file: file.path,
                reason:
                    "the token secret is shorter than 32 characters (empty or truncated?); restore it from a backup, or delete the file to start over (every unsubscribe link mailed so far then stops working)"
            )
        }
        return Array(text.utf8)
    }

    private static func createSecret(_ file: URL) throws {
        let folder = file.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw SubscriberError(
                file: folder.path, reason: "cannot create the state folder (\(error.localizedDescription))")
        }
        var generator = SystemRandomNumberGenerator()
        var secret = ""
        for _ in 0..<32 {
            let byte = UInt8.random(in: 0...255, using: &generator)
            secret += String(byte, radix: 16).count == 1 ? "0" + String(byte, radix: 16) : String(byte, radix: 16)
        }
        secret += "\n"
        let temporary = folder.appendingPathComponent(
            ".\(secretFileName).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw SubscriberError(
                file: file.path, reason: "cannot create the token secret (\(String(cString: strerror(errno))))")
        }
        defer { unlink(temporary.path) }
        let written = secret.withCString { write(descriptor, $0, strlen($0)) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == secret.utf8.count, synced == 0 else {
            throw SubscriberError(
                file: file.path, reason: "cannot write the token secret (\(String(cString: strerror(errno))))")
        }
        // link() never replaces: if another process won the race, its secret stays and is read back.
        if link(temporary.path, file.path) != 0, errno != EEXIST {
            throw SubscriberError(
                file: file.path, reason: "cannot create the token secret (\(String(cString: strerror(errno))))")
        }
    }

    /// The token for the address key `key` (see ``SubscriberAddress/key(_:)``).
    /// - Returns: 24 characters of `a-z2-7`.
    public func token(forKey key: String, purpose: Purpose = .unsubscribe) -> String {
        mac(purpose.rawValue, key)
    }

    /// `base32(HMAC(secret, parts joined by 0x00)[0..<15])`, the first part being a purpose.
    private func mac(_ purpose: String, _ key: String, _ more: String? = nil) -> String {
        var message: [UInt8] = []
        message.reserveCapacity(purpose.utf8.count + listID.utf8.count + key.utf8.count + 24)
        message.append(contentsOf: purpose.utf8)
        message.append(0)
        message.append(contentsOf: listID.utf8)
        message.append(0)
        message.append(contentsOf: key.utf8)
        if let more {
            message.append(0)
            message.append(contentsOf: more.utf8)
        }
        var hmac = keyed.hmac
        hmac.update(data: message)
        let mac = hmac.finalize()
        return Self.base32(mac.withUnsafeBytes { Array($0.prefix(15)) })
    }

    // MARK: - Confirmation links (double opt-in)

    /// How long a confirmation link stays valid: 7 days from the form's submission.
    public static let confirmationValidity: TimeInterval = 7 * 24 * 3600

    /// The double opt-in token mailed to `email`: `EXPIRY-MAC`, where `EXPIRY` is the Unix time (seconds,
    /// decimal) after which it is refused and `MAC` is 24 characters of base32 of
    /// `HMAC-SHA256(secret, "confirm-until" ‖ 0x00 ‖ list id ‖ 0x00 ‖ address key ‖ 0x00 ‖ EXPIRY)`.
    ///
    /// The expiry is inside the MAC, so it cannot be moved; the address is not in the token, so a link
    /// seen in a web server's log does not name the reader.
    /// - Parameters:
    ///   - email: the address, any spelling with the same ``SubscriberAddress/key(_:)``.
    ///   - now: when the form was submitted; the token expires ``confirmationValidity`` later.
    /// - Returns: the token, `EXPIRY-MAC` as described above, safe in a URL as is.
    public func confirmationToken(for email: String, now: Date) -> String {
        let expiry = String(Int64((now.timeIntervalSince1970 + Self.confirmationValidity).rounded(.down)))
        return expiry + "-" + mac("confirm-until", SubscriberAddress.key(email), expiry)
    }

    /// The expiry written in a confirmation token, if the token has the right shape and has not
    /// expired at `now` (and does not claim more than ``confirmationValidity`` ahead, a forgery).
    ///
    /// This checks the shape only; ``verifyConfirmation(_:for:now:)`` checks the MAC.
    public static func confirmationExpiry(of token: String, now: Date) -> Int64? {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 12, let expiry = Int64(parts[0]),
            parts[1].utf8.count == tokenLength,
            parts[1].utf8.allSatisfy({ alphabet.contains($0) })
        else { return nil }
        let seconds = now.timeIntervalSince1970
        guard Double(expiry) >= seconds, Double(expiry) <= seconds + confirmationValidity + 60 else { return nil }
        return expiry
    }

    /// Whether `token` is `email`'s confirmation token and has not expired at `now` (constant-time
    /// comparison of the MAC).
    public func verifyConfirmation(_ token: String, for email: String, now: Date) -> Bool {
        guard let expiry = Self.confirmationExpiry(of: token, now: now) else { return false }
        let expected = String(expiry) + "-" + mac("confirm-until", SubscriberAddress.key(email), String(expiry))
        return Self.constantTimeEqual(token, expected)
    }

    /// The token for an address as written in a list (case and IDN spelling do not matter).
    public func token(for email: String, purpose: Purpose = .unsubscribe) -> String {
        token(forKey: SubscriberAddress.key(email), purpose: purpose)
    }

    /// Whether `token` belongs to `subscriber`: the derived token for `purpose`, or, for unsubscribing, the
    /// token stored in the list's `token` column by older versions.
    ///
    /// Both comparisons always run and are constant-time in the token's content.
    public func verify(_ token: String, for subscriber: Subscriber, purpose: Purpose = .unsubscribe) -> Bool {
        let derived = Self.constantTimeEqual(token, self.token(for: subscriber.email, purpose: purpose))
        let stored =
            purpose == .unsubscribe && subscriber.hasUsableStoredToken
            && Self.constantTimeEqual(token, subscriber.storedToken)
        return derived || stored
    }

    /// Compares two strings in time that depends only on their lengths.
    public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        let count = max(x.count, y.count)
        for index in 0..<count {
            let left = index < x.count ? x[index] : 0
            let right = index < y.count ? y[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// RFC 4648 §6 base32, lowercase, no padding (`bytes.count` a multiple of 5).
    static func base32(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 8 / 5)
        var buffer: UInt64 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt64(bits)) & 31)])
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt64(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }
}

/// An HMAC keyed once and copied for each message.
///
/// `HMAC<SHA256>` is not declared `Sendable`, but it is a
/// value whose hash states are copy-on-write (the stored one is never mutated, each copy's first update
/// copies the state), so sharing the stored one between threads is safe.
private struct PreparedHMAC: @unchecked Sendable {
    let hmac: HMAC<SHA256>
    init(_ hmac: HMAC<SHA256>) { self.hmac = hmac }
}
