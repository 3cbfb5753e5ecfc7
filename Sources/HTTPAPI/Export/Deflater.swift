import CZlib

/// Raw DEFLATE (RFC 1951, as ZIP stores it) of a stream of chunks, with the CRC-32 and the sizes
/// of what went in: zlib, fed chunk by chunk so that memory stays flat whatever the size.
final class Deflater {
    private var stream = z_stream()
    private(set) var crc: UInt32 = 0
    private(set) var inputSize = 0
    private(set) var outputSize = 0

    init() {
        // windowBits -15: raw deflate, no zlib header; level 6, zlib's default.
        let status = deflateInit2_(&stream, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `bytes`; returns what is ready of the output.
    func compress(_ bytes: [UInt8]) -> [UInt8] {
        inputSize += bytes.count
        crc = bytes.withUnsafeBufferPointer { UInt32(crc32(uLong(crc), $0.baseAddress, uInt($0.count))) }
        return run(bytes, flush: Z_NO_FLUSH)
    }

    /// Ends the stream; returns the last of the output.
    func finish() -> [UInt8] { run([], flush: Z_FINISH) }

    private func run(_ input: [UInt8], flush: Int32) -> [UInt8] {
        var output: [UInt8] = []
        var input = input
        let chunk = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        input.withUnsafeMutableBufferPointer { inputPointer in
            stream.next_in = inputPointer.baseAddress
            stream.avail_in = uInt(inputPointer.count)
            repeat {
                let produced: Int = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    _ = deflate(&stream, flush)
                    return chunk - Int(stream.avail_out)
                }
                output.append(contentsOf: buffer[0..<produced])
            } while stream.avail_out == 0
        }
        outputSize += output.count
        return output
    }

    /// The CRC-32 of `bytes` (for entries stored whole).
    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }
}
