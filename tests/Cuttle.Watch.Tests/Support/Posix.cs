using System.Runtime.InteropServices;

namespace Cuttle.Watch.Tests.Support;

/// <summary>rename(2) as kubelet's AtomicWriter calls it (File.Move refuses a symlink to a directory).</summary>
internal static partial class Posix
{
    public static void Rename(string from, string to)
    {
        if (rename(from, to) != 0)
        {
            throw new IOException($"rename {from} -> {to} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string from, string to);
}
