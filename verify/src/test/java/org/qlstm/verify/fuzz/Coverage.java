package org.qlstm.verify.fuzz;

/**
 * A floor on how deep the cases of a run get, so a weak generator fails loudly instead of exercising only
 * the first check of a reader.
 *
 * @param what     the layer, for the message, e.g. {@code "past the zip layer"}
 * @param depth    the least {@link Outcome#depth()} that counts
 * @param minShare the least fraction of all cases that must reach it
 */
public record Coverage(String what, int depth, double minShare) {
}
