package org.qlstm.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads the JSON record files of {@code golden/} strictly, and reads their fields by type: every problem is a
 * {@link RecordFileException} naming the file, and nothing else escapes. Bounded before parsing: a file larger
 * than {@value #MAX_BYTES} bytes is refused unread, nesting deeper than {@value #MAX_DEPTH}, numbers longer than
 * {@value #MAX_NUMBER_CHARS} characters and strings longer than {@value #MAX_STRING_CHARS} are refused by the
 * parser, so no input allocates beyond a bound linear in its size or recurses without limit. Duplicate keys,
 * trailing content after the object and a top level that is not an object are refused as well: the reference
 * scripts write none of them, so any is a damaged file.
 *
 * <p>A field that is absent reads as {@code null} (the caller reports the figure as n/a); a field that is present
 * with the wrong type, a non-finite number, or a count that is negative or does not fit in a {@code long}, is an
 * error.
 */
public final class RecordFiles {

    /** The largest record file read: the largest golden is ~1.5 MB (the CLI reads at most ~190 KB). */
    static final int MAX_BYTES = 16 << 20;
    /** The deepest nesting accepted: the goldens nest at most 7 levels. */
    static final int MAX_DEPTH = 32;
    /** The longest number literal accepted (a double's repr has at most 24 characters). */
    static final int MAX_NUMBER_CHARS = 64;
    /** The longest string accepted (the goldens' longest strings are sha256 hex digests). */
    static final int MAX_STRING_CHARS = 1 << 16;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxNumberLength(MAX_NUMBER_CHARS)
                            .maxStringLength(MAX_STRING_CHARS)
                            .maxDocumentLength(MAX_BYTES)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RecordFiles() {
    }

    /** Reads the JSON object in {@code file}. */
    public static JsonNode read(Path file) throws RecordFileException {
        String name = file.toString();
        try {
            if (!Files.isRegularFile(file)) {
                throw new RecordFileException(name, Files.exists(file) ? "not a regular file" : "no such file");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new RecordFileException(name, "too large for a record file (" + size + " bytes, at most "
                        + MAX_BYTES + ")");
            }
            try (InputStream in = Files.newInputStream(file)) {
                return read(name, in);
            }
        } catch (NoSuchFileException e) {
            throw new RecordFileException(name, "no such file", e);
        } catch (RecordFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RecordFileException(name, "cannot read: " + oneLine(e.getMessage()), e);
        }
    }

    /**
     * Reads the JSON object in {@code in}.
     *
     * @param name what to call the file in messages (a path or a resource name)
     */
    public static JsonNode read(String name, InputStream in) throws RecordFileException {
        JsonNode root;
        try {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new RecordFileException(name, "too large for a record file (more than " + MAX_BYTES
                        + " bytes)");
            }
            root = MAPPER.readTree(utf8(name, bytes));
        } catch (RecordFileException e) {
            throw e;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new RecordFileException(name, "not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
                    + ", column " + at.getColumnNr()) + ": " + oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new RecordFileException(name, "cannot read: " + oneLine(e.getMessage()), e);
        } catch (RuntimeException e) { // a parser bug must still name the file, not crash the command
            throw new RecordFileException(name, "cannot parse: " + oneLine(String.valueOf(e)), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new RecordFileException(name, "empty, expected a JSON object");
        }
        if (!root.isObject()) {
            throw new RecordFileException(name, "the top level is " + kind(root) + ", expected a JSON object");
        }
        return root;
    }

    /**
     * The text of a record file: the reference scripts write UTF-8 (ASCII, in fact), so anything else is a
     * damaged file. Decoded here rather than by the parser, whose encoding detection would read a damaged file
     * as UTF-16 or UTF-32 and fail with an encoding error instead of naming the byte.
     */
    private static String utf8(String name, byte[] bytes) throws RecordFileException {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            // decode() leaves the buffer at the start of the malformed sequence
            throw new RecordFileException(name, "not valid UTF-8 (ill-formed byte at offset " + in.position() + ")",
                    e);
        }
    }

    /** The string {@code node.field}, or null when absent or JSON null. */
    public static String text(String file, JsonNode node, String field) throws RecordFileException {
        JsonNode v = node.path(field);
        if (absent(v)) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(file, field, v, "a string");
        }
        return v.asText();
    }

    /** The finite number {@code node.field}, or null when absent or JSON null. */
    public static Double number(String file, JsonNode node, String field) throws RecordFileException {
        JsonNode v = node.path(field);
        if (absent(v)) {
            return null;
        }
        if (!v.isNumber()) {
            throw wrongType(file, field, v, "a number");
        }
        double d = v.asDouble();
        if (!Double.isFinite(d)) {
            throw new RecordFileException(file, field + " is " + clip(v.toString()) + ", expected a finite number");
        }
        return d;
    }

    /** The non-negative integer {@code node.field}, or null when absent or JSON null. */
    public static Long count(String file, JsonNode node, String field) throws RecordFileException {
        JsonNode v = node.path(field);
        if (absent(v)) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw wrongType(file, field, v, "a non-negative integer");
        }
        return v.asLong();
    }

    /** The object {@code node.field}, or a missing node when absent or JSON null. */
    public static JsonNode object(String file, JsonNode node, String field) throws RecordFileException {
        JsonNode v = node.path(field);
        if (absent(v)) {
            return MissingNode.getInstance();
        }
        if (!v.isObject()) {
            throw wrongType(file, field, v, "an object");
        }
        return v;
    }

    /** The array {@code node.field}, or a missing node when absent or JSON null. */
    public static JsonNode array(String file, JsonNode node, String field) throws RecordFileException {
        JsonNode v = node.path(field);
        if (absent(v)) {
            return MissingNode.getInstance();
        }
        if (!v.isArray()) {
            throw wrongType(file, field, v, "an array");
        }
        return v;
    }

    private static boolean absent(JsonNode v) {
        return v.isMissingNode() || v.isNull();
    }

    private static RecordFileException wrongType(String file, String field, JsonNode v, String expected) {
        return new RecordFileException(file, field + " is " + kind(v) + " " + clip(v.toString()) + ", expected "
                + expected);
    }

    static String kind(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "an array";
        }
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isIntegralNumber()) {
            return "an integer";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    static String clip(String s) {
        String line = oneLine(s);
        return line.length() > 60 ? line.substring(0, 60) + "…" : line;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        String line = s.replaceAll("\\s*\\R\\s*", " ").strip();
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
