using System.Runtime.InteropServices;

namespace Cuttle.Hosting.Sockets;

/// <summary>
/// A few file descriptors a listener holds while it accepts and lets go when accept() fails with EMFILE/ENFILE, so the
/// rest of the process keeps some: the .NET runtime opens files lazily (an assembly the first time a code path needs it,
/// symbols when a thrown exception captures its stack trace) and aborts the process ("Out of memory.") when it cannot.
/// After a failure the listener accepts only while more than <see cref="Size"/> descriptors are free, counting them
/// before each small batch of accepts, and holds the reserve again once plenty are free: accepted connections never
/// take the last ones while descriptors are short.
/// Go needs none of this: its runtime opens nothing after start-up.
/// </summary>
/// <remarks>
/// Plain dup()/close() of a /dev/null descriptor, no exceptions: throwing is what needs descriptors in the first place.
/// </remarks>
internal sealed class DescriptorReserve : IDisposable
{
    /// <summary>Enough for the runtime to load an assembly or two and a socket to be closed and reopened.</summary>
    internal const int Size = 16;

    private readonly SafeHandle _devNull;
    private readonly int[] _held = new int[Size];
    private readonly long _softLimit = SoftLimit();
    private int _count;

    private DescriptorReserve(SafeHandle devNull) => _devNull = devNull;

    // RLIMIT_NOFILE's soft limit, read once (a limit raised later only makes NearLimit fire early); no limit: never near.
    private static long SoftLimit()
    {
        var resource = OperatingSystem.IsLinux() ? 7 : 8; // RLIMIT_NOFILE: 7 on Linux, 8 on the BSDs and macOS
        return GetRLimit(resource, out var limit) == 0 && limit.Current is > 0 and < long.MaxValue ? (long)limit.Current : long.MaxValue;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", EntryPoint = "getrlimit")]
    private static extern int GetRLimit(int resource, out RLimit limit);

    /// <summary>A held reserve, or null where there is no /dev/null (the listener then accepts without one).</summary>
    public static DescriptorReserve? Create()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return null;
        try
        {
            var reserve = new DescriptorReserve(File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read));
            reserve.TryHold();
            return reserve;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>Takes the whole reserve (true), or gives back what it got and returns false when descriptors are short.</summary>
    public bool TryHold()
    {
        if (_count == Size) return true;
        var fd = (int)_devNull.DangerousGetHandle();
        while (_count < Size)
        {
            var dup = Dup(fd);
            if (dup < 0)
            {
                Release();
                return false;
            }
            _held[_count++] = dup;
        }
        return true;
    }

    /// <summary>
    /// How many descriptors are free, counted up to <paramref name="max"/> by taking them and giving them straight back
    /// (the reserve itself is not counted). Only called while descriptors are short, so its syscalls cost nothing.
    /// </summary>
    public int CountFree(int max)
    {
        var fd = (int)_devNull.DangerousGetHandle();
        Span<int> probe = stackalloc int[max];
        var n = 0;
        while (n < max)
        {
            var dup = Dup(fd);
            if (dup < 0) break;
            probe[n++] = dup;
        }
        for (var i = 0; i < n; i++) _ = Close(probe[i]);
        return n;
    }

    /// <summary>
    /// Whether the descriptor just handed out (<paramref name="fd"/>) shows the table nearly full. The kernel hands out
    /// the lowest free number, so a number within twice the reserve of the soft limit means every one below it is
    /// taken: the listener must stop before accept() fails, because other threads (loading an assembly for a
    /// connection it accepted) may need one before the failure releases the reserve.
    /// </summary>
    public bool NearLimit(long fd) => fd >= _softLimit - 2 * Size;

    /// <summary>Gives the reserve back to the process.</summary>
    public void Release()
    {
        while (_count > 0) _ = Close(_held[--_count]);
    }

    public void Dispose()
    {
        Release();
        _devNull.Dispose();
    }

    // DllImport, not LibraryImport: the signatures are blittable (no stub either way), and the project allows no unsafe code.
    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
