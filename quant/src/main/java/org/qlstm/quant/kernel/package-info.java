/**
 * Int8 kernels: {@code acc = Σ (xq − zp)·wq} exactly in int32 behind {@link org.qlstm.quant.kernel.Int8Kernel}
 * (weights prepared once, layout private to the kernel). {@link org.qlstm.quant.kernel.ScalarInt8Kernel} is the
 * reference every other kernel is tested against.
 */
package org.qlstm.quant.kernel;
