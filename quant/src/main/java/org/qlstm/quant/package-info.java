/**
 * PyTorch's dynamic int8 quantization ({@code quantize_dynamic(model, {LSTM, Linear}, qint8)}), reproducing its
 * integer arithmetic bit for bit: {@link org.qlstm.quant.Quantization} (symmetric int8 weights, activation
 * parameters), {@link org.qlstm.quant.Engine} (qnnpack, onednn, and an unverified fbgemm),
 * {@link org.qlstm.quant.DynamicQuantizedLinear} (the int8 {@link org.qlstm.nn.model.Projection}) and
 * {@link org.qlstm.quant.QuantizeDynamic} (the converter; optionally per-channel weights and the
 * {@code quint8} per-row {@link org.qlstm.quant.QuantizedEmbedding}). Integer products are computed by the kernels of
 * {@link org.qlstm.quant.kernel}; files and sizes live in {@link org.qlstm.quant.io}.
 */
package org.qlstm.quant;
