using Xunit;

namespace Cuttle.Conformance.Tests;

/// <summary>
/// xunit class fixture that starts the <see cref="ConformanceEnvironment"/> on first use only, so a run where every
/// case skips (no ../shared) never starts a gateway, and disposes it (killing the child) at the end.
/// </summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConformanceEnvironment? _environment;

    public Task InitializeAsync() => Task.CompletedTask;

    internal async Task<ConformanceEnvironment> GetAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return _environment ??= await ConformanceEnvironment.StartAsync(
                KrakendFixtures.Directory ?? throw new InvalidOperationException(KrakendFixtures.MissingMessage)).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
