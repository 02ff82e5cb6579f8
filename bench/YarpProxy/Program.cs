// The YARP comparison point for bench/run: direct forwarding through IHttpForwarder, the way YARP's own perf-lab
// BenchmarkApp does it (app.Run + forwarder.SendAsync, no route/cluster model), with the outbound client settings
// YARP recommends (ForwarderHttpClientFactory defaults: no proxy, no redirects, no decompression, no cookies).
// Usage: YarpProxy --urls http://127.0.0.1:PORT --backend http://127.0.0.1:BACKEND_PORT
using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(static o => o.AddServerHeader = false);
builder.Services.AddHttpForwarder();

var backend = builder.Configuration["backend"]
    ?? throw new InvalidOperationException("missing --backend http://host:port (the upstream to forward to)");

var app = builder.Build();

var client = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    ConnectTimeout = TimeSpan.FromSeconds(15),
}, disposeHandler: true);

var forwarder = app.Services.GetRequiredService<IHttpForwarder>();

// HttpTransformer.Empty copies all headers except the protocol ones and adds no X-Forwarded-*: the same work the
// BenchmarkApp's transformer (UseDefaultForwarders = false) does.
// On failure the forwarder has already written a 502; the returned ForwarderError is only diagnostic here.
app.Run(async ctx => await forwarder.SendAsync(ctx, backend, client, ForwarderRequestConfig.Empty, HttpTransformer.Empty));

app.Run();
