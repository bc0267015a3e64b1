package io.meso.allocator;

import java.util.Random;

/** The {@link Sorter} contract, run against {@link RandomSorter} (seeded, so every run is the same). */
class RandomSorterContractTest extends SorterContract {

  @Override
  Sorter newSorter() {
    return new RandomSorter(new DrfSorter.Totals(), new Random(7));
  }
}
