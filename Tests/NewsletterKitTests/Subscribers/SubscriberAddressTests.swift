import Foundation
import Testing

@testable import NewsletterKit

/// The byte-level check that lets plain ASCII addresses skip the full rules never accepts what the full
/// rules refuse, and the space trimming equals Foundation's.
struct SubscriberAddressTests {
    static let addresses = [
        "reader@example.com", "Reader.Name+tag@Example.COM", "a@b.co", "o'brien@example.org",
        "x_y-z@sub-domain.example.net",
        "{weird}|~!#$%&*=?^`@example.org", "a.b.c@example.com",
        // Refused by the full rules (or not plain): the fast check must not accept them.
        ".a@example.com", "a.@example.com", "a..b@example.com", "@example.com", "a@", "a@example", "a@-example.com",
        "a@example-.com", "a@exa_mple.com", "a@example..com", "a@.example.com", "a@example.com.", "a b@example.com",
        "a@b@example.com", "a\"b@example.com", "a(b)@example.com", "a,b@example.com", "a;b@example.com",
        "a@xn--0zwm56d.example.org", "a@ab--cd.example.org", "a@xn--a.example.org",
        String(repeating: "l", count: 64) + "@example.com", String(repeating: "l", count: 65) + "@example.com",
        "a@" + String(repeating: "d", count: 63) + ".example.com",
        "a@" + String(repeating: "d", count: 64) + ".example.com",
        "a@" + Array(repeating: String(repeating: "d", count: 60), count: 5).joined(separator: ".") + ".com",
        "读者@example.com", "a@测试.example.org", "a\r@example.com", "a@example.com\n",
    ]

    @Test(arguments: addresses)
    func fastCheckNeverAcceptsWhatTheFullRulesRefuse(address: String) {
        let full = (try? MailAddress(email: address)) != nil
        let fast = SubscriberAddress.isPlainASCIIAddress(address.utf8)
        if fast { #expect(full, "the fast check accepts '\(address)', which MailAddress refuses") }
        // And the cleaned result is the same either way.
        #expect(((try? SubscriberAddress.clean(address)) != nil) == full, "\(address)")
    }

    @Test func plainAddressesTakeTheFastPath() {
        for address in ["reader@example.com", "Reader.Name+tag@Example.COM", "x_y-z@sub-domain.example.net"] {
            #expect(SubscriberAddress.isPlainASCIIAddress(address.utf8), "\(address)")
        }
    }

    @Test(arguments: [
        "", " ", "  a ", "\ta\t", "\u{3000}王小明\u{3000}", "a b", " \u{00A0}x", "active", "x\u{200B}", "\n a",
        "\u{180E}b\u{2003}",
    ])
    func trimmingSpacesEqualsFoundation(text: String) {
        #expect(text.trimmingSpaces() == text.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: [
        ("王小明", "王小明"), ("Jane Doe", "Jane Doe"), (" Jane  Doe ", "Jane Doe"), ("王\u{3000}小明", "王 小明"),
        ("a\tb", "a b"), ("a\r\nb", "a b"), ("", ""), ("  ", ""), ("Doe, John", "Doe, John"), ("é\u{0085}x", "é x"),
    ])
    func namesAreCleaned(raw: String, clean: String) {
        #expect(Subscriber.cleanName(raw) == clean)
    }
}
