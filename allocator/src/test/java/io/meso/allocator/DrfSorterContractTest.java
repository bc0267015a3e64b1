package io.meso.allocator;

/** The {@link Sorter} contract, run against {@link DrfSorter}. */
class DrfSorterContractTest extends SorterContract {

  @Override
  Sorter newSorter() {
    return new DrfSorter();
  }
}
