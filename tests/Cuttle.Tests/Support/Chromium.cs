using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cuttle.Tests.Support;

/// <summary>
/// A headless Chromium (Debian package chromium) driven over its DevTools protocol on a WebSocket: no driver, no
/// download. Start it with <see cref="StartAsync"/>; <see cref="NewPageAsync"/> opens a tab that records console
/// errors, uncaught exceptions and every request the page makes.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly ConcurrentDictionary<string, Page> _pages = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _receive = Task.CompletedTask;
    private int _nextId;

    private Chromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>The chromium binary, or null when it is not installed.</summary>
    public static string? Binary
    {
        get
        {
            foreach (var path in new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
                if (!string.IsNullOrEmpty(path) && File.Exists(path)) return path;
            return null;
        }
    }

    public static async Task<Chromium> StartAsync()
    {
        var binary = Binary ?? throw new InvalidOperationException("chromium is not installed");
        var profile = Directory.CreateTempSubdirectory("cuttle-chromium-").FullName;
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--remote-debugging-port=0",
            "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
            "--force-device-scale-factor=1", "--window-size=1100,900", "about:blank",
        })
            info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        var chromium = new Chromium(process, profile);
        try
        {
            // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/ID" on stderr; a loaded machine can take a while.
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new StringBuilder();
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (log) log.AppendLine(e.Data);
                var i = e.Data.IndexOf("ws://", StringComparison.Ordinal);
                if (e.Data.Contains("DevTools listening on", StringComparison.Ordinal) && i >= 0) found.TrySetResult(e.Data[i..].Trim());
            };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            var winner = await Task.WhenAny(found.Task, Task.Delay(TimeSpan.FromSeconds(60)), process.WaitForExitAsync());
            if (winner != found.Task)
            {
                string text;
                lock (log) text = log.ToString();
                throw new InvalidOperationException("chromium did not open its DevTools endpoint within 60 s: " + text);
            }
            await chromium._socket.ConnectAsync(new Uri(found.Task.Result), CancellationToken.None);
            chromium._receive = Task.Run(chromium.ReceiveLoop);
            return chromium;
        }
        catch
        {
            await chromium.DisposeAsync();
            throw;
        }
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        using var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                message.SetLength(0);
                WebSocketReceiveResult result;
                do
                {
                    result = await _socket.ReceiveAsync(buffer, _stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage);
                var node = JsonNode.Parse(message.ToArray())!;
                if (node["id"] is { } id)
                {
                    if (_pending.TryRemove(id.GetValue<int>(), out var waiter))
                    {
                        if (node["error"] is { } error) waiter.TrySetException(new InvalidOperationException("CDP error: " + error.ToJsonString()));
                        else waiter.TrySetResult(node["result"]);
                    }
                }
                else if (node["sessionId"]?.GetValue<string>() is { } session && _pages.TryGetValue(session, out var page))
                {
                    page.OnEvent(node["method"]!.GetValue<string>(), node["params"]);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
        }
        finally
        {
            foreach (var (_, waiter) in _pending) waiter.TrySetException(new InvalidOperationException("chromium went away"));
        }
    }

    internal async Task<JsonNode?> SendAsync(string method, JsonObject? parameters = null, string? session = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (session is not null) message["sessionId"] = session;
        var waiter = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        await _send.WaitAsync();
        try
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _send.Release();
        }
        return await waiter.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>A new tab of <paramref name="width"/>×<paramref name="height"/> CSS pixels, recording what the page does.</summary>
    public async Task<Page> NewPageAsync(int width = 1100, int height = 900)
    {
        var target = await SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" });
        var attached = await SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target!["targetId"]!.GetValue<string>(), ["flatten"] = true });
        var session = attached!["sessionId"]!.GetValue<string>();
        var page = new Page(this, session);
        _pages[session] = page;
        foreach (var domain in new[] { "Page.enable", "Runtime.enable", "Log.enable", "Network.enable" }) await SendAsync(domain, null, session);
        await SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject
        {
            ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false,
        }, session);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_socket.State == WebSocketState.Open) await SendAsync("Browser.close").WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or WebSocketException)
        {
        }
        _stop.Cancel();
        try { await _receive.WaitAsync(TimeSpan.FromSeconds(5)); } catch (TimeoutException) { }
        _socket.Dispose();
        try
        {
            if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>One tab: navigation, evaluation, screenshots, and what it logged and requested.</summary>
    public sealed class Page(Chromium browser, string session)
    {
        private readonly ConcurrentQueue<string> _errors = new();
        private readonly ConcurrentQueue<string> _requests = new();

        /// <summary>console.error calls, uncaught exceptions, and errors the browser logged (failed loads, CSP violations).</summary>
        public IReadOnlyCollection<string> Errors => _errors;

        /// <summary>The URL of every request the page made.</summary>
        public IReadOnlyCollection<string> Requests => _requests;

        internal void OnEvent(string method, JsonNode? p)
        {
            if (p is null) return;
            if (method == "Runtime.consoleAPICalled")
            {
                var type = (string?)p["type"];
                if (type is "error" or "assert") _errors.Enqueue("console." + type + ": " + p["args"]?.ToJsonString());
            }
            else if (method == "Runtime.exceptionThrown")
            {
                _errors.Enqueue("exception: " + p["exceptionDetails"]?.ToJsonString());
            }
            else if (method == "Log.entryAdded" && p["entry"] is { } entry && (string?)entry["level"] == "error")
            {
                _errors.Enqueue("log: " + entry["text"] + " " + entry["url"]);
            }
            else if (method == "Network.requestWillBeSent" && p["request"] is { } request)
            {
                _requests.Enqueue((string?)request["url"] ?? "");
            }
        }

        public async Task NavigateAsync(string url)
        {
            await browser.SendAsync("Page.navigate", new JsonObject { ["url"] = url }, session);
            await WaitForAsync("document.readyState === 'complete'", TimeSpan.FromSeconds(30));
        }

        /// <summary>The value of a JavaScript expression (promises awaited), as JSON.</summary>
        public async Task<JsonNode?> EvaluateAsync(string expression)
        {
            var result = await browser.SendAsync("Runtime.evaluate", new JsonObject
            {
                ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true,
            }, session);
            if (result?["exceptionDetails"] is { } ex) throw new InvalidOperationException("evaluation failed: " + ex.ToJsonString());
            return result?["result"]?["value"];
        }

        /// <summary>Polls <paramref name="predicate"/> (JavaScript) until it is true; false when the time runs out.</summary>
        public async Task<bool> WaitForAsync(string predicate, TimeSpan timeout)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                var value = await EvaluateAsync("!!(" + predicate + ")");
                if (value?.GetValue<bool>() == true) return true;
                if (sw.Elapsed > timeout) return false;
                await Task.Delay(50);
            }
        }

        public async Task<string> TextAsync(string selector)
            => (await EvaluateAsync($"(document.querySelector({JsonSerializer.Serialize(selector)}) || {{}}).innerText || ''"))?.GetValue<string>() ?? "";

        /// <summary>A PNG of the element <paramref name="selector"/> matches, at one device pixel per CSS pixel.</summary>
        public async Task<byte[]> ScreenshotAsync(string selector)
        {
            var box = await EvaluateAsync($$"""
                (() => { const r = document.querySelector({{JsonSerializer.Serialize(selector)}}).getBoundingClientRect();
                         return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height }; })()
                """);
            var shot = await browser.SendAsync("Page.captureScreenshot", new JsonObject
            {
                ["format"] = "png",
                ["captureBeyondViewport"] = true,
                ["clip"] = new JsonObject
                {
                    ["x"] = box!["x"]!.GetValue<double>(), ["y"] = box["y"]!.GetValue<double>(),
                    ["width"] = box["width"]!.GetValue<double>(), ["height"] = box["height"]!.GetValue<double>(), ["scale"] = 1,
                },
            }, session);
            return Convert.FromBase64String(shot!["data"]!.GetValue<string>());
        }
    }
}
