public import Foundation

/// Writes files so that readers see the old or the new content, never a mix.
public enum AtomicFile: Sendable {
    /// A file that could not be written: its path and why.
    public struct WriteError: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): cannot write (\(reason))" }
    }

    /// Writes `data` to a temporary file beside `url`, flushes it to disk, then renames it over `url`.
    ///
    /// - Parameters:
    ///   - data: the file's whole new content.
    ///   - url: the file URL to write; an existing file is replaced, a folder there is an error.
    ///   - createFolders: create missing parent folders first.
    /// - Throws: ``WriteError`` naming the path.
    public static func write(_ data: Data, to url: URL, createFolders: Bool = true) throws {
        let folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue {
            throw WriteError(path: url.path, reason: "it is a folder")
        }
        if createFolders {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw WriteError(path: url.path, reason: "cannot create the folder \(folder.path)")
            }
        } else if !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) || !isFolder.boolValue {
            throw WriteError(path: url.path, reason: "no such folder \(folder.path)")
        }
        let temporary = folder.appendingPathComponent(
            ".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data) else {
            throw WriteError(path: url.path, reason: String(cString: strerror(errno)))
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(path: url.path, reason: "cannot flush to disk")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(path: url.path, reason: reason)
        }
    }
}
