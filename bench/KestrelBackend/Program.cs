// Fixed fast backend for bench/run, and the "bare Kestrel" reference: the cheapest a Kestrel-hosted proxy can be is
// Kestrel answering by itself. Serves the same bodies as bench/nginx/backend.conf.in:
//   /a.json -> 63-byte JSON (the no-op, filter and first merge backend), /b.json -> 63-byte JSON (second merge backend)
// Usage: KestrelBackend --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(static o => o.AddServerHeader = false);
var app = builder.Build();

byte[] a = """{"id":420,"name":"cuttle","active":true,"tags":["fast","json"]}"""u8.ToArray();
byte[] b = """{"price":9.5,"stock":7,"currency":"EUR","updated":"2026-01-01"}"""u8.ToArray();

app.Run(ctx =>
{
    var path = ctx.Request.Path.Value;
    var body = path == "/a.json" ? a : path == "/b.json" ? b : null;
    if (body is null)
    {
        ctx.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    ctx.Response.ContentType = "application/json";
    ctx.Response.ContentLength = body.Length;
    return ctx.Response.Body.WriteAsync(body).AsTask();
});

app.Run();
