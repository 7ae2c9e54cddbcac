/**
 * The text layer: an exact re-implementation of the word-level corpus of PyTorch's
 * "Dynamic Quantization on an LSTM Word Language Model" tutorial ({@code data.py}).
 *
 * <p>{@link org.qlstm.nn.text.Corpus} reads {@code train.txt}, {@code valid.txt} and
 * {@code test.txt} exactly as Python's {@code open(path, 'r', encoding="utf8")} iterated line by
 * line and split with {@code str.split()} would, appending {@code <eos>} to every line and numbering
 * words in first-seen order in a {@link org.qlstm.nn.text.Dictionary}. The Python text rules
 * (universal newlines, {@code str.isspace()} whitespace) live in {@link org.qlstm.nn.text.PythonText}.
 */
package org.qlstm.nn.text;
