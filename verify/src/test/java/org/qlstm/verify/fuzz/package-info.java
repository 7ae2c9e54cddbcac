/**
 * The hardening fuzz suite of the file readers: seeded, replayable fuzzing plus hand-made hostile files.
 *
 * <h2>What runs</h2>
 * <ul>
 *   <li>{@link org.qlstm.verify.fuzz.ReaderFuzzTest}: 10,000 cases per reader per run through
 *       {@link org.qlstm.verify.fuzz.FuzzDriver}; prints, per reader, the outcome classes (normal return or
 *       each documented refusal, by the layer that refused) against the generators, and fails if any case
 *       throws an undocumented exception or an {@code Error}, gives a message that is empty, not one line,
 *       too long or not {@code file: problem}, uses more than 2 s of CPU, allocates beyond a bound linear in
 *       its size, fails an oracle, or if too few cases reach a layer (a weak generator). Readers: the
 *       {@code .pth} reader and the model loader, the corpus loader and tokenizer, qlstm's own model file
 *       ({@link org.qlstm.verify.fuzz.QuantizedModelFileTarget}, with header rewrites whose CRC is recomputed so
 *       the checks behind it are reached) and the CLI's golden-record JSON
 *       ({@link org.qlstm.verify.fuzz.GoldenRecordsTarget}, two golden files).</li>
 *   <li>{@link org.qlstm.verify.fuzz.MaliciousModelFilesTest} and
 *       {@link org.qlstm.verify.fuzz.HostileCorpusFilesTest}: hand-made cases (code execution through
 *       pickle globals, huge declared sizes, zip bombs, deep nesting, non-finite weights, wrong shapes, huge
 *       lines and words) and the regression tests of the reader bugs the fuzzer found.</li>
 *   <li>{@link org.qlstm.verify.fuzz.FuzzDriverTest}: the driver itself notices every kind of failure, names
 *       hung cases, reports weak generators, and gives the same cases whatever the thread count.</li>
 * </ul>
 *
 * <h2>Replaying a failure</h2>
 * Every failure prints its seed, target and case index, writes the input under {@code target/fuzz-failures},
 * and can be rerun alone, printing how it was made and what the reader did:
 * <pre>
 * mvn -q -B -pl verify -am verify -Dtest='org.qlstm.verify.fuzz.ReaderFuzzTest' \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dqlstm.fuzz.seed=0x5eedf0222024 \
 *     -Dqlstm.fuzz.target=model-loader -Dqlstm.fuzz.case=1102
 * </pre>
 * Other properties: {@code qlstm.fuzz.cases} (per reader; raise it for a long exploratory run with another
 * seed), {@code qlstm.fuzz.threads}, {@code qlstm.fuzz.maxCaseMillis}, {@code qlstm.fuzz.hangSeconds},
 * {@code qlstm.fuzz.dump}.
 *
 * <h2>Adding a reader</h2>
 * Implement {@link org.qlstm.verify.fuzz.FuzzTarget} (name, a valid seed, read, which exceptions are
 * documented) and list it in {@link org.qlstm.verify.fuzz.ReaderFuzzTest#targets()}. That already gives
 * generic byte mutations; override {@code generators()}, {@code classify()} and {@code coverage()} to reach
 * and prove the deep layers. A zip-based format gets structural and per-entry mutations in one line each
 * from {@link org.qlstm.verify.fuzz.ZipMutations#structural} and {@link org.qlstm.verify.fuzz.ZipMutations#entries}
 * (entries ending in {@code .pkl} also get opcode-level {@link org.qlstm.verify.fuzz.PickleOps} mutations); see
 * the generic-zip target in {@link org.qlstm.verify.fuzz.FuzzDriverTest}.
 */
package org.qlstm.verify.fuzz;
