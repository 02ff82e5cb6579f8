using System.Diagnostics;
using Cuttle.Hosting;
using Cuttle.Tests.Support;

namespace Cuttle.Tests.LiveConsole;

/// <summary>
/// The console in a real browser (headless Chromium over the DevTools protocol): it loads with no console error and
/// no request leaving its own origin, lists the configuration's routes, shows a reload made by the test with its diff
/// and a broken configuration as a rejected reload with its line and column, and its traffic numbers move while the
/// test sends requests. With CUTTLE_UPDATE_SCREENSHOTS=1 it writes the README's screenshots to docs/console/.
/// Skips when chromium is not installed, except in CI (CI=true), where it must run.
/// </summary>
public sealed class ConsoleBrowserTests
{
    // Generous on a loaded 2-core machine: waits poll, and only the console's own latency is held to the 2 s promise.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(2);

    private static string Config(string backend, bool withD, string timeout = "3s")
    {
        var d = withD ? ",\n" + $$"""    { "endpoint": "/d", "output_encoding": "no-op", "backend": [ { "host": ["{{backend}}"], "url_pattern": "/d", "encoding": "no-op" } ] }""" : "";
        return $$"""
        {
          "version": 3,
          "name": "console test",
          "extra_config": {
            "cuttle/console": { "listen_address": "127.0.0.1:0" },
            "auth/client-credentials": { "client_id": "cuttle", "client_secret": "sup3rs3cret-value", "token_url": "http://127.0.0.1:1/token" }
          },
          "endpoints": [
            { "endpoint": "/a", "backend": [ { "host": ["{{backend}}"], "url_pattern": "/a",
                "extra_config": { "qos/circuit-breaker": { "interval": 60, "timeout": 10, "max_errors": 5 } } } ] },
            { "endpoint": "/b", "timeout": "{{timeout}}",
              "extra_config": { "qos/ratelimit/router": { "max_rate": 1000 } },
              "backend": [ { "host": ["{{backend}}"], "url_pattern": "/b" } ] },
            { "endpoint": "/c", "backend": [ { "host": ["http://admin:hunter2-pass@127.0.0.1:1"], "url_pattern": "/c", "disable_host_sanitize": true,
                "extra_config": { "backend/grpc": { "client_tls": { "allow_insecure_connections": true } } } } ] }{{d}}
          ]
        }
        """;
    }

    [SkippableFact]
    public async Task Console_InChromium_ShowsRoutesReloadsRejectionsAndLiveTraffic()
    {
        if (Chromium.Binary is null)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") is "true" or "1", "chromium is not installed: .ci/run installs the Debian package chromium");
            Skip.If(true, "chromium is not installed (Debian package chromium); the console's browser tests need it");
        }
        await using var backend = await FakeBackend.JsonAsync("""{"ok":true}""");
        await using var gw = await GatewayHarness.StartAsync(Config(backend.Url, withD: false));
        var console = gw.Server.LiveConsole;
        Assert.True(console.Port > 0, "the console did not start");
        var origin = $"http://127.0.0.1:{console.Port}";
        var reloader = new ConfigReloader(gw.Server, gw.ConfigPath);
        await using var watcher = await reloader.StartWatchingAsync(TimeSpan.FromMilliseconds(200));
        await using var browser = await Chromium.StartAsync();
        var page = await browser.NewPageAsync();
        await page.NavigateAsync(origin + "/");

        // The route table lists the configuration's endpoints, with their backends and namespaces.
        Assert.True(await page.WaitForAsync("document.querySelectorAll('#routes tbody tr').length === 3", Patience), "the route table never listed 3 endpoints");
        var routes = await page.TextAsync("#routes tbody");
        foreach (var e in new[] { "/a", "/b", "/c", "qos/circuit-breaker", "qos/ratelimit/router", "/a" }) Assert.Contains(e, routes);
        // backend/grpc is accepted and ignored: a warning badge says so.
        Assert.True(await page.WaitForAsync("[...document.querySelectorAll('#routes .badge.warn')].some(b => b.textContent.includes('backend/grpc'))", Patience),
            "no warning badge for the accepted but unimplemented backend/grpc");
        Assert.Contains("1", await page.TextAsync("#gen-number"));

        // Traffic numbers move while requests are sent.
        for (var i = 0; i < 40; i++)
        {
            (await gw.Client.GetAsync("/a")).Dispose();
            (await gw.Client.GetAsync("/b")).Dispose();
        }
        Assert.True(await page.WaitForAsync("Number((document.querySelector('#traffic-endpoints tr[data-key=\"GET /a\"] .requests') || {}).textContent) >= 40", Patience),
            "the endpoint's request count did not reach 40: " + await page.TextAsync("#traffic-endpoints"));
        Assert.True(await page.WaitForAsync("Number((document.querySelector('#traffic-backends tr[data-key=\"GET /b #0\"] .requests') || {}).textContent) >= 40", Patience),
            "the backend's request count did not reach 40: " + await page.TextAsync("#traffic-backends"));
        Assert.True(await page.WaitForAsync("Number(document.querySelector('#total-requests b').textContent) >= 80", Patience));
        Assert.Contains("closed", await page.TextAsync("#traffic-backends"));
        await Shots(page, "generation", "routes", "traffic");

        // A configuration change appears in the reload history, with its diff, within 2 s of the swap.
        await File.WriteAllTextAsync(gw.ConfigPath, Config(backend.Url, withD: true).Replace("\"/c\"", "\"/c2\"", StringComparison.Ordinal));
        Assert.True(await Until(() => gw.Server.Current.Number == 2, Patience), "the watcher did not reload the changed configuration");
        var swapped = Stopwatch.StartNew();
        Assert.True(await page.WaitForAsync("[...document.querySelectorAll('#reload-list li[data-outcome=applied] .diff')].some(d => d.textContent.includes('GET /d'))", Patience),
            "the applied reload never appeared: " + await page.TextAsync("#reloads"));
        Assert.True(swapped.Elapsed < Promise, $"the reload appeared {swapped.Elapsed.TotalMilliseconds:0} ms after the swap");
        var diff = await page.TextAsync("#reload-list li[data-outcome=applied] .diff");
        Assert.Contains("+ GET /d", diff);
        Assert.Contains("− GET /c", diff);
        Assert.Contains("+ GET /c2", diff);
        Assert.True(await page.WaitForAsync("document.querySelectorAll('#routes tbody tr').length === 4", Patience));

        // A broken configuration appears as a rejected reload with its file, line and column, and the offending line.
        var broken = Config(backend.Url, withD: true, timeout: "soon");
        var lines = broken.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("\"soon\"", StringComparison.Ordinal)) + 1;
        var column = lines[line - 1].IndexOf("\"soon\"", StringComparison.Ordinal) + 1;
        var rejectedBefore = console.History.View().Rejected;
        await File.WriteAllTextAsync(gw.ConfigPath, broken);
        Assert.True(await Until(() => console.History.View().Rejected > rejectedBefore, Patience), "the broken configuration was not rejected");
        var rejected = Stopwatch.StartNew();
        Assert.True(await page.WaitForAsync("document.querySelector('#reload-list li[data-outcome=rejected] .location') !== null", Patience),
            "the rejected reload never appeared: " + await page.TextAsync("#reloads"));
        Assert.True(rejected.Elapsed < Promise, $"the rejection appeared {rejected.Elapsed.TotalMilliseconds:0} ms after it happened");
        Assert.EndsWith($"krakend.json:{line}:{column}", await page.TextAsync("#reload-list li[data-outcome=rejected] .location"));
        Assert.Contains("soon", await page.TextAsync("#reload-list li[data-outcome=rejected] .excerpt .hit"));
        Assert.Contains("invalid duration", await page.TextAsync("#reload-list li[data-outcome=rejected] .error"));
        Assert.Equal(2, gw.Server.Current.Number); // the live generation keeps serving

        // The watcher panel lists the configuration file as watched.
        Assert.True(await page.WaitForAsync("document.querySelector('#watcher tbody').textContent.includes('krakend.json')", Patience));
        Assert.Contains("watching", await page.TextAsync("#watcher-state"));
        await Shots(page, "reloads", "watcher");

        // Secrets never reach the page.
        var html = (await page.EvaluateAsync("document.documentElement.outerHTML"))!.GetValue<string>();
        Assert.DoesNotContain("sup3rs3cret", html);
        Assert.DoesNotContain("hunter2", html);

        // No console error, and every request stayed on the console's own origin.
        Assert.True(page.Errors.Count == 0, "console errors: " + string.Join("\n", page.Errors));
        Assert.NotEmpty(page.Requests);
        foreach (var url in page.Requests) Assert.StartsWith(origin + "/", url);
    }

    private static async Task<bool> Until(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Screenshots of the panels: into docs/console/ with CUTTLE_UPDATE_SCREENSHOTS=1, else only checked to be PNGs.</summary>
    private static async Task Shots(Chromium.Page page, params string[] panels)
    {
        var update = Environment.GetEnvironmentVariable("CUTTLE_UPDATE_SCREENSHOTS") == "1";
        foreach (var panel in panels)
        {
            var png = await page.ScreenshotAsync("#" + panel);
            Assert.True(png.Length > 100 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', $"no PNG for {panel}");
            if (update) await File.WriteAllBytesAsync(Path.Combine(DocsDir(), $"console-{panel}.png"), png);
        }
    }

    private static string DocsDir()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cuttle.sln"))) dir = dir.Parent;
        var docs = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Cuttle.sln not found"), "docs", "console");
        Directory.CreateDirectory(docs);
        return docs;
    }
}
