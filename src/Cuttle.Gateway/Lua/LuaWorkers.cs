using System.Threading.Tasks.Sources;
using Cuttle.Gateway.Data;
using Microsoft.Extensions.ObjectPool;

namespace Cuttle.Gateway.Lua;

/// <summary>Which compiled snippet a <see cref="LuaCall"/> runs (after the live sources, if any).</summary>
internal enum LuaStep
{
    None,
    Pre,
    Post,
}

/// <summary>
/// One piece of Lua work: a state (or null: open one for <see cref="Script"/> on the worker, since building a state
/// runs the sources), what to hand the script, what to run, and the token that stops it.
/// </summary>
internal readonly record struct LuaCall(LuaScript Script, LuaStep Step, CancellationToken Token)
{
    public LuaEngine? Engine { get; init; }
    public string? LiveSources { get; init; }
    public LuaRequest? Request { get; init; }
    public ProxyResponse? Response { get; init; }
    public LuaHttpContext? Context { get; init; }
}

/// <summary>The state used (the caller closes it once the request is done with it) and the script's error.</summary>
internal readonly record struct LuaOutcome(LuaEngine? Engine, ProxyError? Error);

/// <summary>
/// The threads Lua scripts run on: max(2, cores) dedicated threads fed by one queue. A script runs synchronously
/// until it returns or its deadline stops it, so on the thread pool a few slow or runaway scripts would hold the
/// threads that parse, route and answer every other request (and the socket threads parse inline). Here they can
/// only hold these threads; requests waiting for one are bounded by their own deadline (a call whose token fired
/// while queued does not start). Continuations resume on the thread pool, never on a Lua thread.
/// </summary>
internal sealed class LuaWorkers
{
    public static LuaWorkers Shared { get; } = new(Math.Max(2, Environment.ProcessorCount));

    private readonly Queue<Job> _queue = new();
    private readonly int _threads;
    private int _started;

    public LuaWorkers(int threads) => _threads = threads;

    public ValueTask<LuaOutcome> RunAsync(in LuaCall call)
    {
        // Threads start with the first script: a configuration without Lua never creates them.
        if (_started == 0 && Interlocked.Exchange(ref _started, 1) == 0) Start();
        var job = Job.Rent(call);
        var version = job.Version;
        lock (_queue)
        {
            _queue.Enqueue(job);
            Monitor.Pulse(_queue);
        }
        return new ValueTask<LuaOutcome>(job, version);
    }

    private void Start()
    {
        for (var i = 0; i < _threads; i++)
        {
            new Thread(Loop) { IsBackground = true, Name = "Lua worker" }.Start();
        }
    }

    private void Loop()
    {
        while (true)
        {
            Job job;
            lock (_queue)
            {
                while (_queue.Count == 0) Monitor.Wait(_queue);
                job = _queue.Dequeue();
            }
            job.Complete(Execute(job.Call));
        }
    }

    private static LuaOutcome Execute(in LuaCall call)
    {
        var engine = call.Engine;
        try
        {
            if (call.Token.IsCancellationRequested) return new LuaOutcome(engine, LuaEngine.StoppedError());
            engine ??= call.Script.Open(call.LiveSources, call.Token);
            if (call.Request is not null) engine.Request = call.Request;
            if (call.Response is not null) engine.Response = call.Response;
            if (call.Context is not null) engine.Context = call.Context;
            var error = call.Step switch
            {
                LuaStep.Pre => engine.RunPre(call.Token),
                LuaStep.Post => engine.RunPost(call.Token),
                _ => null,
            };
            return new LuaOutcome(engine, error);
        }
        catch (LuaScriptException ex)
        {
            // A state built here whose sources failed or were stopped (it closed itself).
            return new LuaOutcome(engine, new ProxyError(ex.Message));
        }
        catch (Exception ex)
        {
            // Nothing escapes a worker thread: an unexpected failure fails this call.
            return new LuaOutcome(engine, new ProxyError(ex.Message));
        }
    }

    /// <summary>A pooled awaitable for one call: no allocation per script run.</summary>
    private sealed class Job : IValueTaskSource<LuaOutcome>
    {
        private static readonly ObjectPool<Job> Pool = new DefaultObjectPool<Job>(new DefaultPooledObjectPolicy<Job>(), 256);

        // Continuations go to the thread pool: the request's remaining work must not run on a Lua thread.
        private ManualResetValueTaskSourceCore<LuaOutcome> _core = new() { RunContinuationsAsynchronously = true };

        public LuaCall Call { get; private set; }

        public short Version => _core.Version;

        public static Job Rent(in LuaCall call)
        {
            var job = Pool.Get();
            job.Call = call;
            return job;
        }

        public void Complete(LuaOutcome outcome)
        {
            Call = default;
            _core.SetResult(outcome);
        }

        public LuaOutcome GetResult(short token)
        {
            var outcome = _core.GetResult(token);
            _core.Reset();
            Pool.Return(this);
            return outcome;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);
    }
}
