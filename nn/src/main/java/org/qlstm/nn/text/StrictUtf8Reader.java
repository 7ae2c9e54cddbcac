package org.qlstm.nn.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link Reader} decoding a byte stream as strict UTF-8, like Python's {@code "utf8"} codec in
 * strict mode: malformed or truncated sequences, overlong forms, encoded surrogates and values
 * above U+10FFFF are errors, reported as a {@link CorpusException} naming the file and the
 * zero-based byte offset. A leading byte order mark is <em>not</em> removed (it decodes to
 * U+FEFF, as with Python's {@code "utf8"}, unlike {@code "utf-8-sig"}).
 */
final class StrictUtf8Reader extends Reader {
    private static final int BLOCK = 1 << 16;

    private final InputStream in;
    private final Path file;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BLOCK).flip();
    private final CharBuffer chars = CharBuffer.allocate(BLOCK).flip();
    /** File offset of {@code bytes.array()[0]}. */
    private long bytesBefore;
    private boolean endOfInput;
    private boolean done;

    StrictUtf8Reader(InputStream in, Path file) {
        this.in = Objects.requireNonNull(in, "in");
        this.file = Objects.requireNonNull(file, "file");
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, cbuf.length);
        if (len == 0) {
            return 0;
        }
        if (!chars.hasRemaining() && !fill()) {
            return -1;
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        return n;
    }

    /** Decodes at least one char into {@link #chars}; false at the end of the stream. */
    private boolean fill() throws IOException {
        chars.clear();
        try {
            while (chars.position() == 0 && !done) {
                CoderResult r = decoder.decode(bytes, chars, endOfInput);
                if (r.isError()) {
                    int bad = bytes.get(bytes.position()) & 0xFF;
                    long at = bytesBefore + bytes.position();
                    throw new CorpusException(file,
                            "invalid UTF-8 at byte " + at + String.format(" (0x%02x)", bad));
                }
                if (r.isUnderflow()) {
                    if (endOfInput) {
                        decoder.flush(chars);
                        done = true;
                    } else {
                        refill();
                    }
                }
                // overflow: chars is full, so the loop ends
            }
        } finally {
            chars.flip();
        }
        return chars.hasRemaining();
    }

    private void refill() throws IOException {
        bytesBefore += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            endOfInput = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
