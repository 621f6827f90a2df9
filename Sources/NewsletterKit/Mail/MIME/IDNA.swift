import Foundation

/// Internationalised domain names to A-labels (IDNA2008, RFC 5891 §4, with the UTS #46 mapping step),
/// computed here rather than by libcurl's build (with or without libidn2) or Foundation.
///
/// Mapping (UTS #46 §4, nontransitional): the full stops `。` `．` `｡` separate labels like `.`; each label is
/// NFKC-normalised and lower-cased (case-folded), then:
/// - an all-ASCII label must be letters, digits and inner hyphens (RFC 5890 LDH); one starting `xn--` must be a
///   valid Punycode A-label whose decoded U-label is not all ASCII (RFC 5891 §5.4), and is kept lower-cased;
/// - a label with non-ASCII characters must hold only letters, combining marks, digits and hyphens, not start
///   with a combining mark or a hyphen, not end with a hyphen, not have `--` in positions 3–4 (RFC 5891
///   §4.2.3.1), and becomes `xn--` + Punycode (RFC 3492).
/// Every label is 1–63 octets as an A-label and the whole name at most 253.
public enum IDNA: Sendable {
    /// Why a domain has no A-label form.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Two dots in a row, or a dot at either end (`a..example.org`).
        case emptyLabel
        /// A label longer than 63 octets once encoded.
        case labelTooLong(String)
        /// A character IDNA2008 does not allow in a label, or a misplaced hyphen or combining mark.
        case invalidLabel(String)
        /// An `xn--` label that is not valid Punycode or decodes to ASCII.
        case invalidALabel(String)

        public var description: String {
            switch self {
            case .emptyLabel: "the domain has an empty label (two dots in a row, or a dot at an end)"
            case .labelTooLong(let label): "the domain label '\(label)' is longer than 63 octets as an A-label"
            case .invalidLabel(let label): "the domain label '\(label)' is not a valid IDNA2008 label"
            case .invalidALabel(let label): "the domain label '\(label)' is not a valid A-label (xn--)"
            }
        }
    }

    /// The domain in A-label form, lower-case, for example `xn--0zwm56d.example.org` for `测试.example.org` or
    /// for `XN--0ZWM56D.example.org`.
    ///
    /// - Parameter domain: A domain name, any mix of U-labels and ASCII labels; no trailing dot.
    /// - Returns: The ASCII form.
    /// - Throws: ``Failure``.
    public static func toASCII(_ domain: String) throws(Failure) -> String {
        let separators: Set<Unicode.Scalar> = [".", "\u{3002}", "\u{FF0E}", "\u{FF61}"]
        var labels: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in domain.unicodeScalars {
            if separators.contains(scalar) {
                labels.append(String(current))
                current = String.UnicodeScalarView()
            } else {
                current.append(scalar)
            }
        }
        labels.append(String(current))
        var result: [String] = []
        for label in labels {
            guard !label.isEmpty else { throw .emptyLabel }
            result.append(try aLabel(label))
        }
        return result.joined(separator: ".")
    }

    /// The domain with each A-label decoded to its U-label, for showing to people; labels that do not decode
    /// are kept as they are.
    public static func toUnicode(_ domain: String) -> String {
        domain.split(separator: ".", omittingEmptySubsequences: false).map { label in
            let lower = label.lowercased()
            guard lower.hasPrefix("xn--"), let decoded = Punycode.decode(String(lower.dropFirst(4))) else {
                return String(label)
            }
            return decoded
        }.joined(separator: ".")
    }

    private static func aLabel(_ label: String) throws(Failure) -> String {
        if label.utf8.allSatisfy({ $0 < 0x80 }) {
            let lower = label.lowercased()
            guard lower.utf8.count <= 63 else { throw .labelTooLong(label) }
            guard isLDH(lower) else { throw .invalidLabel(label) }
            if lower.hasPrefix("xn--") {
                guard let decoded = Punycode.decode(String(lower.dropFirst(4))),
                    !decoded.unicodeScalars.allSatisfy(\.isASCII),
                    (try? uLabelCheck(decoded)) != nil,
                    Punycode.encode(decoded).map({ "xn--" + $0 }) == lower
                else { throw .invalidALabel(label) }
            }
            return lower
        }
        let mapped = label.precomposedStringWithCompatibilityMapping.lowercased()
            .precomposedStringWithCanonicalMapping
        if mapped.utf8.allSatisfy({ $0 < 0x80 }) { return try aLabel(mapped) }
        try uLabelCheck(mapped)
        guard let encoded = Punycode.encode(mapped) else { throw .invalidLabel(label) }
        let result = "xn--" + encoded
        guard result.utf8.count <= 63 else { throw .labelTooLong(label) }
        return result
    }

    /// RFC 5891 §4.2.3: allowed characters, hyphen and combining-mark placement.
    private static func uLabelCheck(_ label: String) throws(Failure) {
        let scalars = Array(label.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { throw .emptyLabel }
        guard first != "-", last != "-", !first.properties.generalCategory.isMark else {
            throw .invalidLabel(label)
        }
        if scalars.count >= 4, scalars[2] == "-", scalars[3] == "-" { throw .invalidLabel(label) }
        for scalar in scalars {
            let allowed: Bool
            switch scalar.properties.generalCategory {
            case .lowercaseLetter, .otherLetter, .modifierLetter, .nonspacingMark, .spacingMark, .decimalNumber:
                allowed = true
            default:
                allowed = scalar == "-" || scalar == "\u{200C}" || scalar == "\u{200D}"
            }
            let asciiAllowed =
                !scalar.isASCII || scalar == "-" || ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
            guard allowed, asciiAllowed else { throw .invalidLabel(label) }
        }
    }

    private static func isLDH(_ label: String) -> Bool {
        let bytes = label.utf8
        return !bytes.isEmpty && bytes.first != UInt8(ascii: "-") && bytes.last != UInt8(ascii: "-")
            && bytes.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            }
    }
}

/// Punycode (RFC 3492), the Bootstring parameters of IDNA.
enum Punycode {
    private static let base = 36
    private static let tMin = 1
    private static let tMax = 26
    private static let skew = 38
    private static let damp = 700
    private static let initialBias = 72
    private static let initialN = 0x80

    private static func adapt(_ delta: Int, _ numPoints: Int, _ firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    private static func digit(_ value: Int) -> Character {
        Character(Unicode.Scalar(UInt8(value < 26 ? 0x61 + value : 0x30 + value - 26)))
    }

    private static func value(of scalar: Unicode.Scalar) -> Int? {
        switch scalar.value {
        case 0x30...0x39: Int(scalar.value) - 0x30 + 26
        case 0x41...0x5A: Int(scalar.value) - 0x41
        case 0x61...0x7A: Int(scalar.value) - 0x61
        default: nil
        }
    }

    /// The Punycode of `input` without the `xn--` prefix; `nil` on overflow.
    static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = String(String.UnicodeScalarView(input.unicodeScalars.filter(\.isASCII)))
        let basicCount = output.unicodeScalars.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN
        var delta = 0
        var bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += product
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    /// The Unicode text of a Punycode string (without `xn--`); `nil` when it is not valid Punycode.
    static func decode(_ input: String) -> String? {
        let scalars = Array(input.unicodeScalars)
        var output: [Int] = []
        var start = 0
        if let lastDash = scalars.lastIndex(of: "-") {
            guard scalars[..<lastDash].allSatisfy(\.isASCII) else { return nil }
            output = scalars[..<lastDash].map { Int($0.value) }
            start = lastDash + 1
        }
        var n = initialN
        var i = 0
        var bias = initialBias
        var index = start
        while index < scalars.count {
            let oldI = i
            var w = 1
            var k = base
            while true {
                guard index < scalars.count, let d = value(of: scalars[index]) else { return nil }
                index += 1
                let (dw, o1) = d.multipliedReportingOverflow(by: w)
                let (sum, o2) = i.addingReportingOverflow(dw)
                guard !o1, !o2 else { return nil }
                i = sum
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                let (nw, o3) = w.multipliedReportingOverflow(by: base - t)
                guard !o3 else { return nil }
                w = nw
                k += base
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard n <= 0x10FFFF, Unicode.Scalar(UInt32(n)) != nil, n >= 0x80 else { return nil }
            output.insert(n, at: i)
            i += 1
        }
        var result = String.UnicodeScalarView()
        for value in output {
            guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
            result.append(scalar)
        }
        return String(result)
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isMark: Bool {
        self == .nonspacingMark || self == .spacingMark || self == .enclosingMark
    }
}
