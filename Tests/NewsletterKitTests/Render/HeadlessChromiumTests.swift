import Foundation
import Testing

@testable import NewsletterKit

/// The HTML digest rendered by Debian's headless Chromium with fonts-noto-cjk, at a desktop mail
/// pane's 600 px and a phone's 375 px: no horizontal overflow, and the Chinese text drawn with a CJK
/// font rather than as .notdef boxes (checked in the page with a canvas and in the screenshot's pixels).
///
/// Chromium is started and stopped by the test, under `timeout` (which kills its whole process group)
/// and a deadline of its own. Without Chromium the test is skipped, unless `CI` is set: then it fails.
@Suite(.serialized)
struct HeadlessChromiumTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty } ?? false
    static let deadlineSeconds = 90

    /// Writes what the page measured into `<pre id="nl-check">` (of the parent page when framed) so that
    /// `--dump-dom` shows it.
    static let probe = #"""
        <script>
        (function () {
          var d = document.documentElement, w = window.innerWidth, wide = [];
          var all = document.body.getElementsByTagName('*');
          for (var i = 0; i < all.length; i++) {
            var r = all[i].getBoundingClientRect();
            if (r.width > 0 && r.right > w + 0.5) wide.push(all[i].tagName + '.' + (all[i].className || '') + ':' + Math.round(r.right));
          }
          var h2 = document.querySelector('h2 a') || document.querySelector('h1');
          var rect = h2.getBoundingClientRect();
          function ink(text) {
            var c = document.createElement('canvas'); c.width = 64; c.height = 64;
            var x = c.getContext('2d'); x.font = '40px ' + getComputedStyle(h2).fontFamily;
            x.fillStyle = '#000'; x.fillText(text, 4, 48);
            var p = x.getImageData(0, 0, 64, 64).data, s = '';
            for (var j = 3; j < p.length; j += 4) s += p[j] > 127 ? '1' : '0';
            return s;
          }
          var glyph = ink('习'), glyph2 = ink('党'), notdef = ink('\uE000');
          var result = {
            innerWidth: w, scrollWidth: d.scrollWidth, bodyScrollWidth: document.body.scrollWidth, wide: wide,
            title: { x: rect.left, y: rect.top, width: rect.width, height: rect.height },
            cjkDrawn: glyph !== notdef && glyph2 !== notdef && glyph !== glyph2 && glyph.indexOf('1') >= 0
          };
          var host = window.parent !== window ? window.parent.document : document;
          var pre = host.createElement('pre'); pre.id = 'nl-check';
          var mark = 'NL' + 'CHECK';  // spelled apart: the script's own text is in the dump too
          pre.textContent = mark + JSON.stringify(result) + mark;
          host.body.appendChild(pre);
        })();
        </script>
        """#

    struct Measurement: Decodable {
        struct Rect: Decodable { var x, y, width, height: Double }
        var innerWidth: Double
        var scrollWidth: Double
        var bodyScrollWidth: Double
        var wide: [String]
        var title: Rect
        var cjkDrawn: Bool
    }

    /// Counts pixels in a PNG's rectangle that differ clearly from the rectangle's most common colour.
    ///
    /// Python's zlib undoes the PNG filters (no PIL needed); prints `ink total`.
    static let pixelCounter = #"""
        import sys, zlib, struct
        data = open(sys.argv[1], 'rb').read()
        x0, y0, x1, y1 = (int(v) for v in sys.argv[2:6])
        pos, idat, width, height, ctype = 8, b'', 0, 0, 0
        while pos < len(data):
            n, kind = struct.unpack('>I4s', data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
            if kind == b'IHDR':
                width, height, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
                assert depth == 8 and interlace == 0 and ctype in (2, 6), (depth, ctype, interlace)
            elif kind == b'IDAT':
                idat += body
        bpp = 3 if ctype == 2 else 4
        raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
        for y in range(height):
            f = raw[y * (stride + 1)]; line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0; b = prev[i]; c = prev[i - bpp] if i >= bpp else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            rows.append(line); prev = line
        x1, y1 = min(x1, width), min(y1, height)
        pixels = [tuple(rows[y][x * bpp:x * bpp + 3]) for y in range(y0, y1) for x in range(x0, x1)]
        counts = {}
        for p in pixels: counts[p] = counts.get(p, 0) + 1
        bg = max(counts, key=counts.get)
        ink = sum(1 for p in pixels if sum(abs(p[k] - bg[k]) for k in range(3)) > 96)
        print(ink, len(pixels), width, height)
        """#

    /// Runs a command with a deadline: under `timeout -k 5` (whole process group), and killed from here
    /// too if it outlives the deadline.
    static func runWithDeadline(_ command: [String]) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        try run(
            ["/usr/bin/timeout", "-k", "5", "\(deadlineSeconds)"] + command, deadline: .seconds(deadlineSeconds + 15))
    }

    static func chromiumCommand(_ binary: String, width: Int, profile: URL) -> [String] {
        [
            binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=\(profile.path)",
            "--window-size=\(width),1400",
        ]
    }

    /// Renders `html` at `width`: the page's measurements and the screenshot.
    static func render(_ html: String, width: Int, name: String, binary: String, folder: TemporaryFolder) throws -> (
        Measurement, URL
    ) {
        let page = folder.file("\(name)-\(width).html")
        try Data(html.utf8).write(to: page)
        let probed = folder.file("\(name)-\(width)-probe.html")
        let marker = try #require(html.range(of: "</body>", options: .backwards), "no </body> in the digest")
        try Data(html.replacingCharacters(in: marker, with: probe + "\n</body>").utf8).write(to: probed)
        let profile = folder.file("profile-\(name)-\(width)")

        // Headless Chromium lays a window out at least 500 px wide, so the measuring run puts the digest
        // in a `srcdoc` frame exactly `width` px wide (same origin: the probe can write to the parent).
        let frame = folder.file("\(name)-\(width)-frame.html")
        let source = try String(contentsOf: probed, encoding: .utf8)
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
        try Data(
            """
            <!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
            <iframe style="display:block;border:0;width:\(width)px;height:4000px" srcdoc="\(source)"></iframe>
            </body></html>
            """.utf8
        ).write(to: frame)
        let dump = try runWithDeadline(
            chromiumCommand(binary, width: max(width, 600), profile: profile) + ["--dump-dom", frame.absoluteString])
        #expect(dump.status == 0, "chromium --dump-dom exited \(dump.status): \(dump.stderr.suffix(2000))")
        let pieces = dump.stdout.components(separatedBy: "NLCHECK")
        let json = try #require(
            pieces.count >= 3 ? pieces[1] : nil, "no measurement in the dumped DOM: \(dump.stderr.suffix(2000))")
        let measurement = try JSONDecoder().decode(Measurement.self, from: Data(decodingEntities(json).utf8))

        let screenshot = folder.file("\(name)-\(width).png")
        let shot = try runWithDeadline(
            chromiumCommand(binary, width: width, profile: profile) + [
                "--screenshot=\(screenshot.path)", page.absoluteString,
            ])
        #expect(shot.status == 0, "chromium --screenshot exited \(shot.status): \(shot.stderr.suffix(2000))")
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        return (measurement, screenshot)
    }

    /// `--dump-dom` serialises text, so `&`, `<`, `>` and quotes may come back as entities.
    static func decodingEntities(_ text: String) -> String {
        text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    /// Pixels in the title's rectangle of the screenshot that are not background.
    static func ink(in screenshot: URL, rect: Measurement.Rect, folder: TemporaryFolder) throws -> (
        ink: Int, total: Int
    ) {
        let result = try run([
            "/usr/bin/env", "python3", "-c", pixelCounter, screenshot.path,
            "\(Int(rect.x))", "\(Int(rect.y))", "\(Int((rect.x + rect.width).rounded(.up)))",
            "\(Int((rect.y + rect.height).rounded(.up)))",
        ])
        let numbers = result.stdout.split(separator: " ").compactMap {
            Int($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard result.status == 0, numbers.count == 4 else { throw TestFailure("pixel count failed: \(result.stderr)") }
        return (numbers[0], numbers[1])
    }

    /// The binary, or `nil` after recording a failure (CI) or skipping.
    static func requireChromium() -> String? {
        if let chromium { return chromium }
        if isCI {
            Issue.record(
                "chromium is not installed but CI is set: apt-get install -y chromium fonts-noto-cjk (see .ci/run)")
        }
        return nil
    }

    static func checkFonts() throws {
        let match = try run(["/usr/bin/env", "fc-match", "Noto Sans CJK SC"])
        #expect(
            match.stdout.contains("Noto Sans CJK"),
            "fc-match 'Noto Sans CJK SC' gave \(match.stdout): apt-get install fonts-noto-cjk")
        let chinese = try run(["/usr/bin/env", "fc-list", ":lang=zh-cn", "family"])
        #expect(!chinese.stdout.isEmpty, "no font covers zh-cn")
    }

    static func check(_ measurement: Measurement, width: Int, screenshot: URL, folder: TemporaryFolder) throws {
        #expect(measurement.innerWidth == Double(width), "viewport \(measurement.innerWidth) instead of \(width)")
        #expect(
            measurement.scrollWidth <= measurement.innerWidth,
            "horizontal overflow at \(width) px: \(measurement.scrollWidth)")
        #expect(measurement.bodyScrollWidth <= measurement.innerWidth)
        #expect(measurement.wide.isEmpty, "elements past the right edge at \(width) px: \(measurement.wide)")
        #expect(measurement.cjkDrawn, "CJK characters render like .notdef boxes (tofu) at \(width) px")
        #expect(measurement.title.width > 0 && measurement.title.height > 0)
        let (ink, total) = try ink(in: screenshot, rect: measurement.title, folder: folder)
        #expect(
            total > 0 && ink > total / 50,
            "title area at \(width) px has \(ink) of \(total) pixels inked: text not drawn")
    }

    @Test(
        .enabled(
            if: chromium != nil || isCI,
            "chromium is not installed (apt-get install chromium fonts-noto-cjk); skipped outside CI"))
    func fixturePreviewAt600And375Pixels() async throws {
        guard let binary = Self.requireChromium() else { return }
        try Self.checkFonts()
        let folder = try TemporaryFolder()
        let newsletter = try await FixtureDigest.newsletter(in: folder)
        let preview = try await newsletter.preview(now: FixtureDigest.week2, to: folder.file("preview"))
        #expect(preview.content.items.count == 2)
        let html = try String(contentsOf: preview.html, encoding: .utf8)
        for width in [600, 375] {
            let (measurement, screenshot) = try Self.render(
                html, width: width, name: "digest", binary: binary, folder: folder)
            try Self.check(measurement, width: width, screenshot: screenshot, folder: folder)
        }
        // Keep the screenshots for a look when asked: NEWSLETTER_KEEP_SCREENSHOTS=DIR.
        if let keep = ProcessInfo.processInfo.environment["NEWSLETTER_KEEP_SCREENSHOTS"] {
            for width in [600, 375] {
                let name = "digest-\(width).png"
                try? FileManager.default.removeItem(atPath: keep + "/" + name)
                try FileManager.default.copyItem(
                    at: folder.file(name), to: URL(fileURLWithPath: keep).appendingPathComponent(name))
            }
        }
    }

    /// Long unbroken words and URLs, an omitted-items line and a long name still fit 375 px.
    @Test(
        .enabled(
            if: chromium != nil || isCI,
            "chromium is not installed (apt-get install chromium fonts-noto-cjk); skipped outside CI"))
    func longWordsAndURLsWrapAt375Pixels() throws {
        guard let binary = Self.requireChromium() else { return }
        let folder = try TemporaryFolder()
        var renderer = try DigestRenderer(
            directory: nil, archiveURL: "https://www.example.com/" + String(repeating: "archive", count: 20),
            logger: FixtureDigest.logger)
        renderer.htmlBudgetBytes = 9_000
        let longWord = String(repeating: "Supercalifragilistic", count: 8)
        let longURL =
            "https://www.example.com/" + String(repeating: "very-long-path-segment/", count: 12) + "?utm_source="
            + String(repeating: "x", count: 80)
        let content = DigestContent(
            title: "党建周报" + longWord, subject: "s", issueDate: "2019-06-08",
            items: (0..<8).map {
                DigestItem(
                    key: "k\($0)", title: "长标题 \(longWord) 测试\($0)", url: longURL, date: "2019-06-08 09:00",
                    origin: longURL,
                    category: "党建政法", author: longWord, excerpt: "摘要 \(longURL) " + String(repeating: "测试文字", count: 30)
                )
            })
        let bodies = renderer.render(content, for: .init(name: longWord, unsubscribeURL: longURL))
        #expect(bodies.omittedCount > 0)
        let (measurement, screenshot) = try Self.render(
            bodies.html, width: 375, name: "long", binary: binary, folder: folder)
        try Self.check(measurement, width: 375, screenshot: screenshot, folder: folder)
    }

    /// The checker itself: a fixed 600 px table is caught at 375 px.
    @Test(
        .enabled(
            if: chromium != nil || isCI,
            "chromium is not installed (apt-get install chromium fonts-noto-cjk); skipped outside CI"))
    func overflowCheckCatchesAFixedWidthTable() throws {
        guard let binary = Self.requireChromium() else { return }
        let folder = try TemporaryFolder()
        let html =
            "<!DOCTYPE html><html><body><table width=\"600\"><tr><td><h2><a href=\"#\">党建周报测试</a></h2></td></tr></table></body></html>"
        let (measurement, _) = try Self.render(html, width: 375, name: "fixed", binary: binary, folder: folder)
        #expect(measurement.scrollWidth > measurement.innerWidth)
        #expect(!measurement.wide.isEmpty)
        #expect(measurement.cjkDrawn)
    }
}

extension HeadlessChromiumTests {
    /// The archive's issue page and index at 600 and 375 px: no horizontal overflow, CJK drawn.
    @Test(
        .enabled(
            if: chromium != nil || isCI,
            "chromium is not installed (apt-get install chromium fonts-noto-cjk); skipped outside CI"))
    func archivePagesAt600And375Pixels() async throws {
        guard let binary = Self.requireChromium() else { return }
        let folder = try TemporaryFolder()
        let (newsletter, content) = try await FixtureDigest.content(in: folder)
        var config = newsletter.config
        config.archiveDirectory = folder.file("archive")
        let summary = try ArchiveWriter(config: config, renderer: newsletter.composer.renderer).write([
            ArchiveWriter.Issue(content: content, date: FixtureDigest.week2)
        ])
        #expect(summary.issues == 1)
        for name in [content.archivePageName, "index.html"] {
            let html = try String(contentsOf: config.archiveDirectory.appendingPathComponent(name), encoding: .utf8)
            for width in [600, 375] {
                let (measurement, screenshot) = try Self.render(
                    html, width: width, name: "archive-\(name)", binary: binary, folder: folder)
                try Self.check(measurement, width: width, screenshot: screenshot, folder: folder)
            }
        }
    }
}
