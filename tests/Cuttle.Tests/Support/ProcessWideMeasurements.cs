namespace Cuttle.Tests.Support;

/// <summary>
/// Tests that measure the whole test process (open file descriptors, threads) run alone: xunit runs other test
/// classes in parallel in the same process, and their sockets and child-process pipes would count as a leak.
/// </summary>
[CollectionDefinition(nameof(ProcessWideMeasurements), DisableParallelization = true)]
public sealed class ProcessWideMeasurements;
