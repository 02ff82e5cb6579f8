using System.Runtime.InteropServices;

namespace Cuttle.Watch.Processes;

/// <summary>The few libc calls .NET has no API for: group signals, the child-subreaper flag and reaping orphans.</summary>
internal static partial class Native
{
    public const int SIGKILL = 9;
    public const int ESRCH = 3;
    public const int ECHILD = 10;
    private const int WNOHANG = 1;
    private const int PR_SET_CHILD_SUBREAPER = 36;

    /// <summary>kill(2); a negative pid signals the whole process group. Returns 0 or the errno.</summary>
    public static int Kill(int pid, int signal) => kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Orphaned descendants are re-parented to this process instead of init, so they can be found and reaped.</summary>
    public static bool BecomeChildSubreaper() => prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

    /// <summary>Reaps one exited child without blocking; true when it was reaped.</summary>
    public static bool TryReap(int pid) => waitpid(pid, out _, WNOHANG) == pid;

    public static int CurrentPid => Environment.ProcessId;

    /// <summary>
    /// A non-interactive shell starts background jobs with SIGINT and SIGQUIT ignored, and an ignored disposition is
    /// inherited through exec: every service would then ignore the stop signal and only die by SIGKILL. Go programs
    /// such as reflex undo this when they call signal.Notify; .NET keeps it, so reset it to the default before the
    /// runtime's handlers are installed (PosixSignalRegistration then handles it for us).
    /// </summary>
    public static void UnignoreInterruptSignals()
    {
        foreach (var sig in (ReadOnlySpan<int>)[2, 3])
        {
            var previous = signal(sig, 0);
            if (previous != 1)
            {
                signal(sig, previous);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint signal(int sig, nint handler);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);
}
