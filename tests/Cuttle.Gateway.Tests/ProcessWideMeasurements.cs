namespace Cuttle.Gateway.Tests;

/// <summary>
/// Tests that measure the whole test process (bytes allocated by every thread) run alone: xunit runs other test
/// classes in parallel in the same process, and their allocations would count as this test's.
/// </summary>
[CollectionDefinition(nameof(ProcessWideMeasurements), DisableParallelization = true)]
public sealed class ProcessWideMeasurements;
