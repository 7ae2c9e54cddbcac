/**
 * Our model file ({@link org.qlstm.quant.io.QuantizedModelFile}, described in {@code quant/FORMAT.md}) and the
 * size accounting of the tutorial's {@code print_size_of_model} ({@link org.qlstm.quant.io.ModelSizes},
 * {@link org.qlstm.quant.io.TorchSaveSizes}).
 */
package org.qlstm.quant.io;
