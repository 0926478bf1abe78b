import Foundation
import Testing

@testable import LoopwatchReport

/// Headless Chromium, when installed (`make deps` installs Debian's `chromium`).
enum Browser {
    static let path: String? = {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for dir in dirs + ["/usr/bin", "/usr/local/bin"] {
            for name in ["chromium", "chromium-browser", "google-chrome"] {
                let p = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: p) { return p }
            }
        }
        return nil
    }()

    /// Runs the browser headless on `arguments`; returns its standard output (bounded: killed
    /// after `timeout`).
    static func run(_ arguments: [String], timeout: TimeInterval = 120) throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("lw-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path!)
        p.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=\(profile.path)",
            ] + arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        if done.wait(timeout: .now() + timeout) == .timedOut { p.terminate() }
        return String(decoding: data, as: UTF8.self)
    }
}

@Suite struct BrowserRenderTests {
    @Test(
        .enabled(
            if: Browser.path != nil,
            "chromium is not installed (apt-get install chromium, or make deps): the page is not rendered in a browser"
        ),
        .timeLimit(.minutes(5)))
    func chromiumRendersEveryPiece() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loopwatch-report")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let page = dir.appendingPathComponent("report.html")
        try HTMLPageTests.sample().html().write(to: page, atomically: true, encoding: .utf8)
        let dom = try Browser.run(["--dump-dom", page.absoluteString])
        #expect(dom.contains("<h1>Social status</h1>"), "no page in the DOM: \(dom.prefix(300))")
        #expect(dom.components(separatedBy: "<article class=\"card ").count - 1 >= 3, "status cards")
        #expect(dom.components(separatedBy: "<svg ").count - 1 == 4, "svg charts")
        #expect(dom.contains("id=\"heat-t\""), "heat map")
        #expect(dom.contains("<th>conversation</th>"), "longest open table")
        #expect(!dom.contains("<script"), "escaped text stayed text")

        let shot = dir.appendingPathComponent("report.png")
        try? FileManager.default.removeItem(at: shot)
        _ = try Browser.run(["--screenshot=\(shot.path)", "--window-size=1366,900", page.absoluteString])
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4e, 0x47]), "a PNG screenshot")
        #expect(png.count > 20_000, "the screenshot shows something")
    }
}
