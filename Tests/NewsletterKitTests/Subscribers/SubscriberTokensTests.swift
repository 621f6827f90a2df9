import Foundation
import Testing

@testable import NewsletterKit

struct SubscriberTokensTests {
    static let secret = Array("0123456789abcdef0123456789abcdef".utf8)
    static let tokens = SubscriberTokens(secret: secret, listID: "weekly.news.example.com")

    /// RFC 4648 base32, lowercase, without padding (values from Python's `base64.b32encode`).
    @Test(arguments: [("fooba", "mzxw6ytb"), ("foobarbazq", "mzxw6ytbojrgc6tr")])
    func base32(input: String, expected: String) {
        #expect(SubscriberTokens.base32(Array(input.utf8)) == expected)
    }

    @Test func tokensAreStableAndIgnoreLetterCase() {
        let token = Self.tokens.token(for: "Reader1@Example.com")
        #expect(token.count == SubscriberTokens.tokenLength)
        #expect(token.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x32...0x37).contains($0) })
        #expect(token == Self.tokens.token(for: "reader1@example.com"))
        #expect(
            token
                == SubscriberTokens(secret: Self.secret, listID: "weekly.news.example.com").token(
                    for: "READER1@EXAMPLE.COM"))
    }

    /// A token is bound to the secret, the list, the address and the purpose.
    @Test func tokensDifferBySecretListAddressAndPurpose() {
        let token = Self.tokens.token(for: "reader1@example.com")
        let others = [
            SubscriberTokens(secret: Array("fedcba9876543210fedcba9876543210".utf8), listID: "weekly.news.example.com")
                .token(for: "reader1@example.com"),
            SubscriberTokens(secret: Self.secret, listID: "daily.news.example.com").token(for: "reader1@example.com"),
            Self.tokens.token(for: "reader2@example.com"),
            Self.tokens.token(for: "reader1@example.com", purpose: .confirm),
        ]
        #expect(Set(others + [token]).count == 5)
    }

    @Test func verifyAcceptsTheDerivedAndAUsableStoredToken() {
        let stored = Subscriber(email: "reader1@example.com", token: "9f8e7d6c")
        let derived = Self.tokens.token(for: "reader1@example.com")
        #expect(Self.tokens.verify(derived, for: stored))
        #expect(Self.tokens.verify("9f8e7d6c", for: stored))
        #expect(!Self.tokens.verify("9f8e7d6d", for: stored))
        #expect(!Self.tokens.verify(derived.dropLast() + "a", for: stored))
        #expect(!Self.tokens.verify("", for: Subscriber(email: "reader1@example.com")))
        // A stored token too short or with characters a URL would need to escape is not accepted.
        #expect(!Self.tokens.verify("a", for: Subscriber(email: "reader1@example.com", token: "a")))
        #expect(!Self.tokens.verify("x,y z123", for: Subscriber(email: "reader1@example.com", token: "x,y z123")))
        // The confirmation token never unsubscribes, and the stored token never confirms.
        #expect(!Self.tokens.verify(Self.tokens.token(for: "reader1@example.com", purpose: .confirm), for: stored))
        #expect(!Self.tokens.verify("9f8e7d6c", for: stored, purpose: .confirm))
    }

    @Test(arguments: [
        ("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true), ("", "a", false),
    ])
    func constantTimeEqual(a: String, b: String, equal: Bool) {
        #expect(SubscriberTokens.constantTimeEqual(a, b) == equal)
    }

    @Test func indexFindsDerivedAndStoredTokens() throws {
        var list = SubscriberList(file: URL(fileURLWithPath: "/nonexistent/list.csv"), tokens: Self.tokens)
        try list.add(email: "a@example.com", name: nil, today: "2026-12-01")
        try list.add(email: "B@example.org", name: nil, today: "2026-12-01")
        let index = TokenIndex(list)
        #expect(index.subscriber(withToken: Self.tokens.token(for: "a@example.com"))?.email == "a@example.com")
        #expect(index.subscriber(withToken: Self.tokens.token(for: "b@example.org"))?.email == "B@example.org")
        #expect(index.subscriber(withToken: "1a2b3c4e") == nil)
        #expect(index.count == 2)
    }

    /// The secret is made once (0600, 64 hex digits) and read back by every later process.
    @Test func secretFileIsCreatedOnceWithMode0600() throws {
        let folder = try TemporaryFolder()
        let state = folder.url.appendingPathComponent("state")
        let first = try SubscriberTokens.load(stateFolder: state, listID: "l.example.com", environment: [:])
        let file = state.appendingPathComponent(SubscriberTokens.secretFileName)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.count == 65 && text.dropLast().allSatisfy(\.isHexDigit))
        let second = try SubscriberTokens.load(stateFolder: state, listID: "l.example.com", environment: [:])
        #expect(first.token(for: "a@example.com") == second.token(for: "a@example.com"))
        // The file's content in the environment variable gives the same tokens (serve on another machine).
        let fromEnvironment = try SubscriberTokens.load(
            stateFolder: folder.url.appendingPathComponent("elsewhere"), listID: "l.example.com",
            environment: [SubscriberTokens.environmentVariable: text])
        #expect(fromEnvironment.token(for: "a@example.com") == first.token(for: "a@example.com"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("elsewhere").path))
        let others = try FileManager.default.contentsOfDirectory(atPath: state.path)
        #expect(others == [SubscriberTokens.secretFileName])
    }

    @Test func shortSecretsAreRefused() throws {
        let folder = try TemporaryFolder()
        #expect(throws: SubscriberError.self) {
            try SubscriberTokens.load(
                stateFolder: folder.url, listID: "l", environment: [SubscriberTokens.environmentVariable: "short"])
        }
        try Data().write(to: folder.file(SubscriberTokens.secretFileName))
        let error = try #require(throws: SubscriberError.self) {
            try SubscriberTokens.load(stateFolder: folder.url, listID: "l", environment: [:])
        }
        #expect(error.description.contains("token-secret"))
        #expect(error.description.contains("shorter than 32"))
    }

    /// Processes racing to create the secret all end up with the same one.
    @Test func concurrentCreationAgrees() async throws {
        let folder = try TemporaryFolder()
        let url = folder.url
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try SubscriberTokens.load(stateFolder: url, listID: "l", environment: [:]).token(
                        for: "a@example.com")
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens.count == 1)
    }
}
