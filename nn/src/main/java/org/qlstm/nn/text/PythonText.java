package org.qlstm.nn.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Python's text rules as the tutorial's {@code data.py} uses them: {@code str.isspace()},
 * {@code str.split()} without arguments, and line iteration over a file opened with
 * {@code open(path, 'r', encoding="utf8")} (universal newlines).
 *
 * <p>Line iteration is <em>not</em> {@code str.splitlines()}: only {@code \n}, {@code \r\n} and a
 * lone {@code \r} end a line. U+0085, U+2028, U+2029, U+000B, U+000C and U+001C..U+001E stay
 * inside the line (and, being whitespace, then separate words in {@link #split(String)}).
 */
public final class PythonText {
    /** Default size of the char buffer used by the line readers. */
    static final int DEFAULT_BUFFER = 1 << 14;

    private PythonText() {
    }

    /**
     * Python's {@code chr(codePoint).isspace()}, as of Python 3.11 (Unicode 14, unchanged since):
     * U+0009..U+000D, U+001C..U+0020, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029,
     * U+202F, U+205F and U+3000. Not U+200B (zero width space), U+180E or U+FEFF (BOM).
     * Differs from {@link Character#isWhitespace(int)}, which excludes the no-break spaces and
     * U+0085, and from {@link Character#isSpaceChar(int)}.
     *
     * @param codePoint any int; values outside 0..0x10FFFF are not whitespace
     * @return whether Python considers the code point whitespace
     */
    public static boolean isPythonWhitespace(int codePoint) {
        if (codePoint <= 0x20) {
            return codePoint >= 0x1C || (codePoint >= 0x09 && codePoint <= 0x0D);
        }
        if (codePoint < 0x85) {
            return false;
        }
        return switch (codePoint) {
            case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> codePoint >= 0x2000 && codePoint <= 0x200A;
        };
    }

    /**
     * Python's {@code line.split()} without arguments: the maximal runs of characters that are not
     * {@linkplain #isPythonWhitespace(int) whitespace}, in order. Leading, trailing and repeated
     * whitespace yields no empty strings; an empty or all-whitespace string yields an empty list.
     *
     * <p>Works on UTF-16 code units, which is exact because every whitespace code point is in the
     * BMP and no surrogate is whitespace, so a surrogate pair is never split.
     *
     * @param line the string to split (may contain line terminators, which are whitespace)
     * @return a new mutable list of the words
     */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        forEachWord(line, words::add);
        return words;
    }

    /** {@link #split(String)} without the list: gives each word to {@code sink} in order. */
    static void forEachWord(String line, Consumer<String> sink) {
        int n = line.length();
        int i = 0;
        while (true) {
            while (i < n && isPythonWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == n) {
                return;
            }
            int start = i;
            while (i < n && !isPythonWhitespace(line.charAt(i))) {
                i++;
            }
            sink.accept(line.substring(start, i));
        }
    }

    /**
     * Gives each line of a UTF-8 file to {@code sink}, without its terminator, exactly as
     * {@code for line in open(file, 'r', encoding="utf8")} would yield them (minus the
     * {@code "\n"}). An empty file has no lines; a final line without a terminator is a line; a
     * file ending in a terminator has no extra empty line. A byte order mark is kept as U+FEFF.
     *
     * @param file the file to read
     * @param sink receives the lines in order
     * @throws CorpusException if the file is missing, unreadable or not valid UTF-8; the message
     *     names the file (and for bad UTF-8 the zero-based byte offset)
     */
    public static void forEachLine(Path file, Consumer<String> sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        try (Reader reader = openUtf8(file)) {
            forEachLine(reader, DEFAULT_BUFFER, sink);
        } catch (CorpusException e) {
            throw e;
        } catch (IOException e) {
            throw new CorpusException(file, "cannot read: " + e, e);
        }
    }

    /**
     * The lines of a UTF-8 file as a list, with the rules of {@link #forEachLine(Path, Consumer)}.
     *
     * @param file the file to read
     * @return a new mutable list of the lines, without terminators
     * @throws CorpusException if the file is missing, unreadable or not valid UTF-8
     */
    public static List<String> readLines(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        forEachLine(file, lines::add);
        return lines;
    }

    /**
     * Gives each line read from {@code reader} to {@code sink}, without its terminator, with the
     * universal-newline rules of {@link #forEachLine(Path, Consumer)}. Does not close the reader.
     *
     * @param reader the characters to split into lines
     * @param sink receives the lines in order
     * @throws IOException if the reader fails
     */
    public static void forEachLine(Reader reader, Consumer<String> sink) throws IOException {
        forEachLine(reader, DEFAULT_BUFFER, sink);
    }

    /**
     * The lines a file with this content would yield, with the rules of
     * {@link #forEachLine(Path, Consumer)}; for example {@code "a\r\nb\rc\n"} gives
     * {@code [a, b, c]} and {@code "a\u2028b"} gives {@code [a\u2028b]}.
     *
     * @param text the file content
     * @return a new mutable list of the lines, without terminators
     */
    public static List<String> lines(String text) {
        List<String> lines = new ArrayList<>();
        try {
            forEachLine(new StringReader(text), DEFAULT_BUFFER, lines::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return lines;
    }

    /**
     * The line splitter, reading {@code bufferSize} chars at a time; a {@code \r} ending one block
     * and a {@code \n} starting the next are one terminator, and lines may span any number of
     * blocks.
     */
    static void forEachLine(Reader reader, int bufferSize, Consumer<String> sink) throws IOException {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(sink, "sink");
        char[] buf = new char[bufferSize];
        StringBuilder partial = new StringBuilder(); // the current line's chars from earlier blocks
        boolean skipLf = false; // the previous block ended in \r
        int n;
        while ((n = reader.read(buf, 0, bufferSize)) >= 0) {
            if (n == 0) {
                continue;
            }
            int i = 0;
            if (skipLf) {
                skipLf = false;
                if (buf[0] == '\n') {
                    i = 1;
                }
            }
            int start = i;
            for (; i < n; i++) {
                char c = buf[i];
                if (c != '\n' && c != '\r') {
                    continue;
                }
                if (partial.isEmpty()) {
                    sink.accept(new String(buf, start, i - start));
                } else {
                    sink.accept(partial.append(buf, start, i - start).toString());
                    partial.setLength(0);
                }
                if (c == '\r') {
                    if (i + 1 == n) {
                        skipLf = true;
                    } else if (buf[i + 1] == '\n') {
                        i++;
                    }
                }
                start = i + 1;
            }
            partial.append(buf, start, n - start);
        }
        if (!partial.isEmpty()) {
            sink.accept(partial.toString());
        }
    }

    /** Opens a file for strict UTF-8 reading, turning open failures into {@link CorpusException}. */
    static Reader openUtf8(Path file) throws CorpusException {
        Objects.requireNonNull(file, "file");
        if (Files.isDirectory(file)) {
            throw new CorpusException(file, "is a directory, not a file");
        }
        InputStream in;
        try {
            in = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new CorpusException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new CorpusException(file, "permission denied", e);
        } catch (IOException e) {
            throw new CorpusException(file, "cannot open: " + e, e);
        }
        return new StrictUtf8Reader(in, file);
    }
}
