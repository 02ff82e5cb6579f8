using Cuttle.Config.Model;
using Cuttle.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Qos;

/// <summary>The three states of sony/gobreaker, named as its State.String() prints them.</summary>
internal enum CircuitState
{
    Closed,
    HalfOpen,
    Open,
}

/// <summary>
/// sony/gobreaker's state machine with the settings krakend-circuitbreaker gives it: ReadyToTrip is "consecutive
/// failures &gt; max_errors", MaxRequests is 0 (so one request in half-open, and one success closes), Interval clears
/// the counts of the closed state every period (zero: never), Timeout is the time spent open before half-open.
/// <para>
/// Why not Polly: Polly v8's breaker trips on a failure ratio over a sampling window with a minimum throughput, which
/// cannot express "more than N failures in a row"; KrakenD users size max_errors for gobreaker's rule. Why a lock:
/// every call changes shared counters and may change the state with its generation, as gobreaker does under its
/// mutex; the critical sections are a few field writes, no allocation and no await, so a lock is both simplest and
/// cheap next to a backend call.
/// </para>
/// <para>
/// Per backend, kept across reloads: the builder takes it from <see cref="GenerationState"/>, so a reload that leaves
/// the backend and the breaker's settings unchanged carries this very breaker (an open one stays open); changed
/// settings start a new, closed one. KrakenD builds it again on every restart.
/// </para>
/// </summary>
internal sealed partial class CircuitBreaker
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _intervalTicks;
    private readonly long _timeoutTicks;
    private readonly uint _maxErrors;
    private readonly string _name;
    private readonly string _backend;
    private readonly bool _logChanges;

    private CircuitState _state = CircuitState.Closed;
    private ulong _generation;
    // Counts of the current generation (gobreaker's Counts: Requests, ConsecutiveSuccesses, ConsecutiveFailures).
    private uint _requests;
    private uint _consecutiveSuccesses;
    private uint _consecutiveFailures;
    // When the closed state clears its counts (0: never) or the open state turns half-open; in TimeProvider ticks.
    private long _expiry;

    public CircuitBreaker(CircuitBreakerOptions options, string backend, TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
        _intervalTicks = (long)(options.Interval.TotalSeconds * time.TimestampFrequency);
        _timeoutTicks = (long)(options.Timeout.TotalSeconds * time.TimestampFrequency);
        _maxErrors = (uint)options.MaxErrors;
        _name = options.Name;
        _backend = backend;
        _logChanges = options.LogStatusChange;
        _expiry = _intervalTicks == 0 ? 0 : time.GetTimestamp() + _intervalTicks;
    }

    /// <summary>The state now (moving closed → new count period, or open → half-open, when their time has come).</summary>
    public CircuitState State
    {
        get
        {
            lock (_lock)
            {
                return Current(_time.GetTimestamp());
            }
        }
    }

    /// <summary>
    /// gobreaker's beforeRequest: false when the call must fail at once (open, or half-open with its one trial
    /// already running); otherwise the call is counted and <paramref name="generation"/> is what
    /// <see cref="OnResult"/> needs.
    /// </summary>
    public bool TryEnter(out ulong generation, out bool open)
    {
        lock (_lock)
        {
            var state = Current(_time.GetTimestamp());
            generation = _generation;
            open = state == CircuitState.Open;
            if (open || (state == CircuitState.HalfOpen && _requests >= 1))
                return false;
            _requests++;
            return true;
        }
    }

    /// <summary>gobreaker's afterRequest: a result from an older generation (a state change since) is ignored.</summary>
    public void OnResult(ulong generation, bool success)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var state = Current(now);
            if (generation != _generation)
                return;
            if (success)
            {
                _consecutiveSuccesses++;
                _consecutiveFailures = 0;
                // MaxRequests 0 means 1: the first success in half-open closes the breaker.
                if (state == CircuitState.HalfOpen)
                    SetState(CircuitState.Closed, now);
            }
            else if (state == CircuitState.HalfOpen)
            {
                SetState(CircuitState.Open, now);
            }
            else
            {
                _consecutiveFailures++;
                _consecutiveSuccesses = 0;
                if (_consecutiveFailures > _maxErrors)
                    SetState(CircuitState.Open, now);
            }
        }
    }

    private CircuitState Current(long now)
    {
        // gobreaker compares expiry.Before(now): the change happens strictly after the instant.
        if (_state == CircuitState.Closed && _expiry != 0 && _expiry < now)
            NewGeneration(now);
        else if (_state == CircuitState.Open && _expiry < now)
            SetState(CircuitState.HalfOpen, now);
        return _state;
    }

    private void SetState(CircuitState state, long now)
    {
        if (_state == state)
            return;
        var previous = _state;
        _state = state;
        NewGeneration(now);
        if (_logChanges)
            Log.StateChanged(_logger, _backend, _name, Name(previous), Name(state));
    }

    private void NewGeneration(long now)
    {
        _generation++;
        _requests = 0;
        _consecutiveSuccesses = 0;
        _consecutiveFailures = 0;
        _expiry = _state switch
        {
            CircuitState.Closed => _intervalTicks == 0 ? 0 : now + _intervalTicks,
            CircuitState.Open => now + _timeoutTicks,
            _ => 0,
        };
    }

    private static string Name(CircuitState state) => state switch
    {
        CircuitState.Closed => "closed",
        CircuitState.HalfOpen => "half-open",
        _ => "open",
    };

    private static partial class Log
    {
        // krakend-circuitbreaker's OnStateChange: "[BACKEND: %s][CB] Circuit breaker named '%s' went from '%s' to '%s'".
        [LoggerMessage(EventId = EventIds.CircuitBreakerStateChanged, Level = LogLevel.Warning,
            Message = "[BACKEND: {Backend}][CB] Circuit breaker named '{Name}' went from '{From}' to '{To}'")]
        public static partial void StateChanged(ILogger logger, string backend, string name, string from, string to);
    }
}
