import struct Foundation.Data

/// A chunk of COPY data: raw bytes or UTF-8 text.
public protocol PostgresCopyChunk {
    /// Appends this chunk's bytes to `buffer`.
    func appendCopyBytes(to buffer: inout [UInt8])
}

extension Array: PostgresCopyChunk where Element == UInt8 {
    public func appendCopyBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}

extension String: PostgresCopyChunk {
    public func appendCopyBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Substring: PostgresCopyChunk {
    public func appendCopyBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}

extension Data: PostgresCopyChunk {
    public func appendCopyBytes(to buffer: inout [UInt8]) { buffer.append(contentsOf: self) }
}
