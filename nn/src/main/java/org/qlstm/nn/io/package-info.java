/**
 * Reading PyTorch model files without Python: {@link org.qlstm.nn.io.PthReader} turns a
 * {@code torch.save(model.state_dict(), f)} file into a {@link org.qlstm.nn.io.StateDict} of float32
 * {@link org.qlstm.nn.io.Tensor}s, refusing anything else with a {@link org.qlstm.nn.io.ModelFileException}.
 * The pickle inside is read with an allow-list of four globals, so a hostile file cannot run code.
 */
package org.qlstm.nn.io;
