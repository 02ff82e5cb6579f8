using System.Diagnostics;
using System.Text;

namespace Cuttle.Tests.Commands;

/// <summary>`cuttle watch` as users run it: the real executable as a child process, real signals, real files.</summary>
public sealed class WatchCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cuttle-watch-cli-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class Cli : IDisposable
    {
        private readonly StringBuilder _out = new();
        private readonly StringBuilder _err = new();

        public Cli(string workDir, params string[] args)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "cuttle.dll"));
            psi.ArgumentList.Add("watch");
            foreach (var a in args)
            {
                psi.ArgumentList.Add(a);
            }

            Process = Process.Start(psi)!;
            Process.OutputDataReceived += (_, e) => Append(_out, e.Data);
            Process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Out => Read(_out);

        public string Err => Read(_err);

        public async Task<int> ExitAsync()
        {
            await Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return Process.ExitCode;
        }

        public async Task WaitForOutputAsync(string text)
        {
            var sw = Stopwatch.StartNew();
            while (!Out.Contains(text, StringComparison.Ordinal))
            {
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting for '{text}'; output so far:\n{Out}\n{Err}");
                await Task.Delay(10);
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private static void Append(StringBuilder sb, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (sb)
            {
                sb.AppendLine(line);
            }
        }

        private static string Read(StringBuilder sb)
        {
            lock (sb)
            {
                return sb.ToString();
            }
        }
    }

    [Fact]
    public async Task UnknownFlagBeforeDoubleDash_IsRejectedAsPflagDoes()
    {
        using var cli = new Cli(_dir, "-r", "x", "ls", "-l");
        Assert.Equal(1, await cli.ExitAsync());
        Assert.Contains("unknown shorthand flag: 'l' in -l", cli.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigWithOtherFlags_IsRejectedWithReflexMessage()
    {
        using var cli = new Cli(_dir, "-c", "reflex.conf", "-g", "x");
        Assert.Equal(1, await cli.ExitAsync());
        Assert.Contains("Cannot set other flags along with --config other than --sequential, --verbose, and --decoration.", cli.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_IsForwardedToTheService_AndItsStatusBecomesOurs()
    {
        using var cli = new Cli(_dir, "-s", "--", "sh", "-c", "trap 'echo got TERM; exit 42' TERM; echo up; while :; do sleep 0.05; done");
        await cli.WaitForOutputAsync("[00] up");

        Assert.Equal(0, Kill(cli.Process.Id, 15));

        Assert.Equal(42, await cli.ExitAsync());
        Assert.Contains("Interrupted (terminated). Cleaning up children...", cli.Out, StringComparison.Ordinal);
        Assert.Contains("[00] got TERM", cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFile_RunsEachReflexWithItsOwnPatterns()
    {
        File.WriteAllText(Path.Combine(_dir, "reflex.conf"), """
            # one reflex per line
            -g 'a*.txt' -- echo A {}
            -g 'b*.txt' -- echo B {}
            """);
        using var cli = new Cli(_dir, "-c", "reflex.conf", "--decoration", "plain");
        var sw = Stopwatch.StartNew();
        // The watcher may still be installing its watches: rewrite until the first run shows up.
        while (!cli.Out.Contains("[00] A a1.txt", StringComparison.Ordinal))
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "no run for a1.txt:\n" + cli.Out + cli.Err);
            File.WriteAllText(Path.Combine(_dir, "a1.txt"), sw.ElapsedTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Task.Delay(300);
        }

        File.WriteAllText(Path.Combine(_dir, "b1.txt"), "b");
        await cli.WaitForOutputAsync("[01] B b1.txt");
        Assert.DoesNotContain("[00] A b1.txt", cli.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("[01] B a1.txt", cli.Out, StringComparison.Ordinal);
        Assert.Equal(0, Kill(cli.Process.Id, 15));
        Assert.Equal(0, await cli.ExitAsync());
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
