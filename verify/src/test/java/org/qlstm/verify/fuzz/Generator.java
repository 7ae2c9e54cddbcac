package org.qlstm.verify.fuzz;

import org.apache.commons.rng.UniformRandomProvider;

/** Makes cases for a {@link FuzzTarget}; drawn by {@link #weight()} among a target's generators. */
public interface Generator {

    String name();

    double weight();

    /** Makes one case; must depend on nothing but {@code rng}, so a case can be replayed from its seed. */
    Mutant generate(UniformRandomProvider rng) throws Exception;

    /** The body of a generator. */
    @FunctionalInterface
    interface Body {
        Mutant generate(UniformRandomProvider rng) throws Exception;
    }

    static Generator of(String name, double weight, Body body) {
        return new Generator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public double weight() {
                return weight;
            }

            @Override
            public Mutant generate(UniformRandomProvider rng) throws Exception {
                return body.generate(rng);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
