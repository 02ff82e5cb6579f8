using System.Buffers;
using System.Threading.Channels;

namespace Cuttle.Telemetry.Logging;

/// <summary>
/// Moves log records off the request path: callers enqueue a small struct (the strings it points to already exist)
/// and one dedicated thread formats and writes them, batching stdout writes. The queue is bounded: when the output
/// is slower than the traffic (a blocked stdout pipe, say), new records are dropped and counted rather than making
/// a request wait or memory grow; the count goes to stderr once the writer catches up, and stays readable in
/// <see cref="Dropped"/>.
/// </summary>
internal sealed class LogPump : IDisposable
{
    public const int DefaultCapacity = 8192;

    /// <summary>Formatted bytes the writer gathers before it writes them out (it also writes whenever the queue empties).</summary>
    public const int DefaultBatchBytes = 48 * 1024;

    private readonly Channel<LogItem> _channel;
    private readonly Stream _stdout;
    private readonly TextWriter _stderr;
    private readonly TimeProvider _time;
    private readonly Thread _thread;
    private readonly string _host;
    private readonly int _batchBytes;
    private long _dropped;
    private long _droppedReported;

    public LogPump(Stream stdout, TextWriter stderr, TimeProvider time, int capacity = DefaultCapacity, int batchBytes = DefaultBatchBytes)
    {
        _batchBytes = batchBytes;
        _stdout = stdout;
        _stderr = stderr;
        _time = time;
        _host = Environment.MachineName;
        // FullMode.Wait with TryWrite: a full queue refuses the record instead of blocking or evicting an older one.
        _channel = Channel.CreateBounded<LogItem>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        _thread = new Thread(Run) { IsBackground = true, Name = "cuttle-log" };
        _thread.Start();
    }

    public TimeProvider Time => _time;

    /// <summary>Records refused because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void Enqueue(in LogItem item)
    {
        if (!_channel.Writer.TryWrite(item)) Interlocked.Increment(ref _dropped);
    }

    /// <summary>Disposes <paramref name="setup"/> once every record queued before this call has been written.</summary>
    public void Retire(LogSetup setup)
    {
        if (ReferenceEquals(setup, LogSetup.None)) return;
        // A retirement must not be lost to a full queue (its sockets would leak): wait for room.
        while (!_channel.Writer.TryWrite(new LogItem(setup, LogItemKind.Retire, default, default)))
        {
            if (!_thread.IsAlive) { setup.Dispose(); return; }
            Thread.Sleep(1);
        }
    }

    private void Run()
    {
        var reader = _channel.Reader;
        var stdout = new ArrayBufferWriter<byte>(64 * 1024);
        var scratch = new ArrayBufferWriter<byte>(4096);
        var wrote = false;
        while (true)
        {
            if (!reader.TryPeek(out _))
            {
                // Under traffic, let records gather for a moment rather than being woken by every single one: a wake-up
                // costs the writing request a thread signal, a short sleep costs nothing on the request path.
                if (wrote)
                {
                    wrote = false;
                    Thread.Sleep(2);
                    continue;
                }
                var wait = reader.WaitToReadAsync();
                var more = wait.IsCompleted ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
                if (!more) break;
            }
            while (reader.TryRead(out var item))
            {
                wrote = true;
                try
                {
                    Write(item, stdout, scratch);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or FormatException or ArgumentException)
                {
                    // A log line must never take the writer down.
                }
                if (stdout.WrittenCount >= _batchBytes) Flush(stdout);
            }
            Flush(stdout);
            ReportDrops();
        }
        Flush(stdout);
    }

    private void Write(in LogItem item, ArrayBufferWriter<byte> stdout, ArrayBufferWriter<byte> scratch)
    {
        switch (item.Kind)
        {
            case LogItemKind.App:
                item.Setup.WriteApp(Local(item.App), stdout, scratch, _host);
                break;
            case LogItemKind.Access:
                item.Setup.WriteAccess(item.Access with { Time = ToLocal(item.Access.Time) }, stdout, scratch, _host);
                break;
            case LogItemKind.Retire:
                Flush(stdout);
                item.Setup.Dispose();
                break;
        }
    }

    private AppRecord Local(in AppRecord r) => r with { Time = ToLocal(r.Time) };

    /// <summary>Go formats log times in the local zone (time.Now()).</summary>
    private DateTimeOffset ToLocal(DateTimeOffset utc) => TimeZoneInfo.ConvertTime(utc, _time.LocalTimeZone);

    private void Flush(ArrayBufferWriter<byte> stdout)
    {
        if (stdout.WrittenCount == 0) return;
        try
        {
            _stdout.Write(stdout.WrittenSpan);
            _stdout.Flush();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException)
        {
            // stdout closed: nothing else to do with the lines.
        }
        stdout.ResetWrittenCount();
    }

    private void ReportDrops()
    {
        var dropped = Dropped;
        if (dropped == _droppedReported) return;
        try
        {
            _stderr.WriteLine($"telemetry/logging: {dropped - _droppedReported} log lines dropped (the log output is slower than the traffic; {dropped} in all)");
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
        _droppedReported = dropped;
    }

    /// <summary>Reports a failing destination on stderr (called on the pump's thread).</summary>
    public void Report(string line)
    {
        try { _stderr.WriteLine(line); }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException) { }
    }

    /// <summary>Writes what is queued, then stops the thread.</summary>
    public void Dispose()
    {
        _channel.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}

internal enum LogItemKind : byte
{
    App,
    Access,
    Retire,
}

/// <summary>One queued record and the setup (formats, destinations) that was live when it was logged.</summary>
internal readonly record struct LogItem(LogSetup Setup, LogItemKind Kind, AppRecord App, AccessRecord Access);
