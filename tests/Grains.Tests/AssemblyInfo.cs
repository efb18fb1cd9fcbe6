// Every test class here runs real silos; on a 2-core machine, clusters running side by side would
// distort the timing-based scenarios (parallelism probes, timeouts) and share the test apps' counters.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
