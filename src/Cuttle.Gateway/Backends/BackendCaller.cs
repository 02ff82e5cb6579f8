using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using Cuttle.Config.Model;
using Cuttle.Gateway.Backends.Caching;
using Cuttle.Gateway.Backends.GraphQL;
using Cuttle.Gateway.Backends.Http1;
using Cuttle.Gateway.Backends.Martian;
using Cuttle.Gateway.Data;
using Cuttle.Go;

namespace Cuttle.Gateway.Backends;

/// <summary>
/// Builds and sends one backend request the way KrakenD's Go client does: host picked round-robin, url_pattern
/// filled in, query appended, headers as filtered, Go-style redirect following (up to 10, with Referer), and a body
/// that is streamed chunked unless Content-Length was forwarded. Static http:// and https:// backends go through the
/// own HTTP/1.1 client when the generation's <see cref="BackendTransport"/> has one (decided here, once); service
/// discovery and CUTTLE_BACKEND_CLIENT=sockets go through its HttpMessageInvoker.
/// </summary>
internal sealed class BackendCaller
{
    private const int MaxRedirects = 10; // Go's http.Client default

    private readonly HttpMessageInvoker _client;
    private readonly LeanHttpClient? _lean;
    private readonly LeanTarget[]? _targets;
    private readonly string[] _hosts;
    private readonly Discovery.SrvHostList? _srv;
    private readonly HttpMethod _method;
    private readonly bool _methodCanHaveBody;
    private readonly HashSet<string>? _headerFilter;
    private readonly HashSet<string>? _queryFilter;
    private readonly string[]? _staticUrls;
    private readonly HttpCache? _cache;
    private readonly IBackendCallObserver? _observer;
    // backend/graphql and modifier/martian, compiled once; null (the common case) keeps SendAsync on its direct path.
    private readonly GraphQLRequest? _graphql;
    private readonly MartianPlan? _martian;
    private readonly bool _sendBodyOnRedirect;
    private readonly TimeSpan _responseHeaderTimeout;
    private readonly TimeProvider _time;
    private int _next;

    [ThreadStatic]
    private static StringBuilder? t_urlBuilder;

    public BackendCaller(BackendConfig backend, EndpointConfig endpoint, BackendTransport transport, Microsoft.Extensions.Logging.ILogger? logger = null,
        TimeProvider? time = null, HttpCache? cache = null, IBackendCallObserver? observer = null, Discovery.SrvFirstLookups? srvLookups = null)
    {
        _client = transport.Invoker;
        _sendBodyOnRedirect = backend.Http.SendBodyOnRedirect;
        _responseHeaderTimeout = transport.ResponseHeaderTimeout;
        _time = time ?? TimeProvider.System;
        _cache = cache;
        _observer = observer;
        _hosts = backend.Host.IsDefaultOrEmpty ? ["http://127.0.0.1"] : [.. backend.Host];
        // sd: dns (lura sd/dnssrv): host[0] is an SRV name; the hosts are its answers, refreshed every dns_cache_ttl.
        if (backend.Sd == "dns" && !backend.Host.IsDefaultOrEmpty)
        {
            _srv = new Discovery.SrvHostList(backend.Host[0], backend.SdScheme, Discovery.DnsSrvResolver.FromSystem(), backend.DnsCacheTtl,
                logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, time);
            srvLookups?.Add(_srv); // the build waits for its first answer, as lura's subscriber resolves when created
        }
        if (transport.Http1 is { } lean && backend.Sd == "static" && TryResolveTargets(lean, _hosts, out var targets))
        {
            _lean = lean;
            _targets = targets;
        }
        Template = new UrlTemplate(backend.UrlPattern, endpoint.Params);
        // A pattern without placeholders gives the same URL for every request without a query: built (and brought
        // to Go's wire form) once per host. One url.Parse refuses is kept as written: SendAsync refuses it each time.
        if (Template.Literal is { } literal)
        {
            _staticUrls = new string[_hosts.Length];
            for (var i = 0; i < _hosts.Length; i++) _staticUrls[i] = GoUrl.TryToRequestUrl(_hosts[i] + literal) ?? _hosts[i] + literal;
        }
        _graphql = GraphQLRequest.For(backend, endpoint);
        _martian = MartianPlan.For(backend);
        // The GraphQL middleware sets the method (GET or POST) whatever the backend's is.
        var methodName = backend.GraphQL is { } graphql ? GraphQLRequest.MethodOf(graphql) : backend.Method;
        _method = new HttpMethod(methodName);
        _methodCanHaveBody = methodName is not ("GET" or "HEAD" or "DELETE" or "OPTIONS" or "TRACE");
        MethodName = methodName;
        if (!backend.InputHeaders.IsDefaultOrEmpty && !backend.InputHeaders.Contains("*"))
            _headerFilter = new HashSet<string>(backend.InputHeaders, StringComparer.OrdinalIgnoreCase);
        if (!backend.InputQueryStrings.IsDefaultOrEmpty && !backend.InputQueryStrings.Contains("*"))
            _queryFilter = new HashSet<string>(backend.InputQueryStrings, StringComparer.Ordinal);
    }

    public UrlTemplate Template { get; }
    public string MethodName { get; }

    public string BuildUrl(ProxyRequest request)
    {
        // sd: dns uses the SRV answer only: never host[0] (the SRV name) itself, as lura's balancer never does.
        var hosts = _srv is { } srv ? srv.Hosts : _hosts;
        if (hosts.Length == 0) return Discovery.NoHostsException.Url; // lura: sd.ErrNoHosts, no request sent
        var index = hosts.Length == 1 ? 0 : (int)((uint)Interlocked.Increment(ref _next) % (uint)hosts.Length);
        if (_staticUrls is not null && request.Query.Count == 0 && ReferenceEquals(hosts, _hosts)) return _staticUrls[index];
        var host = hosts[index];
        // BuildUrl never awaits, so one builder per thread can be reused (the BCL's StringBuilderCache pattern).
        var sb = t_urlBuilder ??= new StringBuilder(256);
        sb.Clear();
        sb.Append(host);
        Template.AppendPath(sb, request);
        // lura (proxy/balancing.go) url.Parses host + substituted path, then appends the forwarded query to RawQuery.
        // Params are substituted raw, so a value may hold anything: the URL is brought to what Go would put on the
        // request line here; one Go refuses (control bytes, bad escapes) is returned as is, and SendAsync refuses it.
        var state = GoUrl.NormalizeInPlace(sb);
        if (state == GoUrl.QueryState.Invalid) return sb.ToString();
        var separator = state == GoUrl.QueryState.None ? '?' : '&';
        foreach (var (key, values) in request.Query)
        {
            if (_queryFilter is not null && !_queryFilter.Contains(key)) continue;
            foreach (var v in values)
            {
                // A bare '?' (Go's ForceQuery with an empty RawQuery) takes the query without a separator.
                if (state != GoUrl.QueryState.Empty) sb.Append(separator);
                state = GoUrl.QueryState.Present;
                separator = '&';
                GoUrl.AppendQueryEscaped(sb, key);
                sb.Append('=');
                GoUrl.AppendQueryEscaped(sb, v ?? "");
            }
        }
        var url = sb.ToString();
        if (sb.Capacity > 4096) t_urlBuilder = null; // do not pin a huge buffer after an unusual URL
        return url;
    }

    /// <summary>Whether calls go through the lean HTTP/1.1 client.</summary>
    public bool UsesLeanClient => _lean is not null;

    /// <summary>
    /// Sends the request and follows the redirects Go's client would (up to 10, with Referer), on either transport;
    /// the caller owns (and disposes) the response. A call that starts on the HttpMessageInvoker stays on it.
    /// </summary>
    public ValueTask<BackendResponse> SendAsync(ProxyRequest request, string url, CancellationToken ct) =>
        url.Length == 0 ? ValueTask.FromException<BackendResponse>(new Discovery.NoHostsException()) // lura's balancer, outside the client
        : _graphql is null && _martian is null ? SendPlainAsync(request, url, ct) : SendShapedAsync(request, url, ct);

    private ValueTask<BackendResponse> SendPlainAsync(ProxyRequest request, string url, CancellationToken ct) =>
        _observer is null ? SendCoreAsync(request, url, null, ct) : ObservedSendAsync(request, url, _observer, ct);

    /// <summary>
    /// KrakenD's order around the HTTP client: the GraphQL middleware rewrites the request (lura, above the backend
    /// factory), then krakend-martian's executor runs the request modifiers, calls the client (http-cache and the
    /// otel layer are inside it, so they see the modified request) unless static.Modifier skipped the round trip,
    /// and runs the response modifiers before the status check and the response parser. A modifier's error fails
    /// the call with martian's message.
    /// </summary>
    private async ValueTask<BackendResponse> SendShapedAsync(ProxyRequest request, string url, CancellationToken ct)
    {
        if (_graphql is not null) (request, url) = await _graphql.ApplyAsync(request, url, FilterFor(request), ct).ConfigureAwait(false);
        if (_martian is null) return await SendPlainAsync(request, url, ct).ConfigureAwait(false);
        var state = _martian.ModifyRequest(request, url, FilterFor(request), out var error);
        if (error is not null) throw new ShapingException(error);
        BackendResponse? response = state.SkipRoundTrip ? null : await SendPlainAsync(state.ToProxyRequest(), state.Url, ct).ConfigureAwait(false);
        if (!_martian.HasResponsePhase) return response!;
        var modified = _martian.ModifyResponse(response, state, out error);
        if (error is null) return modified;
        modified.Dispose();
        throw new ShapingException(error);
    }

    /// <summary>input_headers, unless a rewrite above already applied it and added headers of its own.</summary>
    private HashSet<string>? FilterFor(ProxyRequest request) => request.HeadersFiltered ? null : _headerFilter;

    /// <summary>
    /// The send under the backend-request layer: a client span around the redirects (krakend-otel wraps the
    /// http.Client's transport the same way), metrics recorded once the response head or the failure is known. The
    /// same state machine as the plain send: a second async frame around it was one more box per backend call, which
    /// the pool rarely covers with many requests in flight.
    /// </summary>
    private ValueTask<BackendResponse> ObservedSendAsync(ProxyRequest request, string url, IBackendCallObserver observer, CancellationToken ct)
    {
        var activity = observer.Start(url, MethodName, request, FilterFor(request));
        var started = Stopwatch.GetTimestamp();
        return SendCoreAsync(request, url, observer.Propagate ? Propagated(request.Trace) : null, ct, new Observation(observer, activity, started));
    }

    /// <summary>
    /// The trace context the backend continues: an unsampled request's own (trace id, span id, flag 00: no span exists),
    /// else the current span (this request's client span, or the enclosing stage's or server's), else what the
    /// request carries without a span (a client's context while no tracer listens).
    /// </summary>
    private static TraceHeaders? Propagated(RequestTrace? trace)
    {
        if (trace is { Sampled: false }) return new TraceHeaders(trace.Context, trace.TraceState);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current) return TraceHeaders.From(current);
        return trace is null ? null : new TraceHeaders(trace.Context, trace.TraceState);
    }

    /// <summary>What the backend-request layer needs to close its span and record its metrics when the send ends.</summary>
    private readonly record struct Observation(IBackendCallObserver Observer, Activity? Activity, long Started);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BackendResponse> SendCoreAsync(ProxyRequest request, string url, TraceHeaders? trace, CancellationToken ct,
        Observation observation = default)
    {
        var requested = url;
        try
        {
            // The one gate for both transports and for every URL source (url_pattern with params, sequential and JWT
            // values, a URL set by a Lua script): what Go's url.Parse refuses fails here, before any connection, and
            // the rest goes out in Go's escaped form (the same instance when it already is).
            url = GoUrl.ToRequestUrl(url);
            var method = MethodName;
            var sendBody = _methodCanHaveBody;
            var target = _lean is null ? null : FindTarget(url);
            var lean = target is not null;
            // backend/http/client.send_body_on_redirect: lura reads the body into a buffer first, so a 307/308 can resend it.
            if (_sendBodyOnRedirect && sendBody && request.Body is not null && request.BufferedBody is null)
                await request.BufferBodyAsync(ct).ConfigureAwait(false);
            var response = await SendHopAsync(request, url, target, method, sendBody, previous: null, redirects: 0, trace, ct).ConfigureAwait(false);
            for (var redirects = 1; IsFollowable(response, request, sendBody, redirects - 1); redirects++)
            {
                // response answers request number redirects - 1 and is a redirect to follow.
                var status = response.StatusCode;
                var location = response.Location!;
                response.Dispose(); // before anything can throw: a redirect's connection is never left to a finalizer
                var next = ResolveRedirect(url, location);
                var previous = url;
                if (BecomesGet(status, method))
                {
                    method = "GET";
                    sendBody = false;
                }
                url = next.AbsoluteUri;
                target = lean ? TargetFor(next) : null;
                lean = target is not null;
                response = await SendHopAsync(request, url, target, method, sendBody, previous, redirects, trace, ct).ConfigureAwait(false);
            }
            observation.Observer?.End(observation.Activity, observation.Started, requested, MethodName, request, response, null, ct);
            return response;
        }
        catch (Exception ex) when (observation.Observer is not null)
        {
            observation.Observer.End(observation.Activity, observation.Started, requested, MethodName, request, null, ex, ct);
            throw;
        }
    }

    /// <summary>
    /// One request of the redirect loop on its transport (the lean client when <paramref name="target"/> is set),
    /// through the backend's qos/http-cache when it has one: the cache sits just above the transport, so it sees
    /// (and stores) each hop, as krakend-httpcache does below Go's redirect loop.
    /// </summary>
    private ValueTask<BackendResponse> SendHopAsync(ProxyRequest request, string url, LeanTarget? target, string method, bool sendBody,
        string? previous, int redirects, TraceHeaders? trace, CancellationToken ct) =>
        _responseHeaderTimeout > TimeSpan.Zero
            ? SendHopWithHeaderTimeoutAsync(request, url, target, method, sendBody, previous, redirects, trace, ct)
            : SendHopCoreAsync(request, url, target, method, sendBody, previous, redirects, trace, ct);

    /// <summary>
    /// response_header_timeout (Go's Transport.ResponseHeaderTimeout): each hop waits at most that long for the
    /// response head, then fails as Go's does; the body is read under the endpoint's timeout alone.
    /// </summary>
    private async ValueTask<BackendResponse> SendHopWithHeaderTimeoutAsync(ProxyRequest request, string url, LeanTarget? target, string method, bool sendBody,
        string? previous, int redirects, TraceHeaders? trace, CancellationToken ct)
    {
        using var headers = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var timer = _time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), headers, _responseHeaderTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            return await SendHopCoreAsync(request, url, target, method, sendBody, previous, redirects, trace, headers.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new HttpRequestException("net/http: timeout awaiting response headers");
        }
    }

    private ValueTask<BackendResponse> SendHopCoreAsync(ProxyRequest request, string url, LeanTarget? target, string method, bool sendBody,
        string? previous, int redirects, TraceHeaders? trace, CancellationToken ct)
    {
        if (_cache is null) return SendOnceAsync(request, url, target, method, sendBody, previous, redirects, default, trace, ct);
        var lookup = _cache.Lookup(method, url, request.Headers, FilterFor(request));
        if (lookup.Answer is { } answer) return ValueTask.FromResult(answer);
        return SendThroughCacheAsync(request, url, target, method, sendBody, previous, redirects, lookup, trace, ct);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BackendResponse> SendThroughCacheAsync(ProxyRequest request, string url, LeanTarget? target, string method, bool sendBody,
        string? previous, int redirects, CacheLookup lookup, TraceHeaders? trace, CancellationToken ct)
    {
        var validators = new Validators(lookup.IfNoneMatch, lookup.IfModifiedSince);
        var response = await SendOnceAsync(request, url, target, method, sendBody, previous, redirects, validators, trace, ct).ConfigureAwait(false);
        return _cache!.Complete(lookup, response);
    }

    private ValueTask<BackendResponse> SendOnceAsync(ProxyRequest request, string url, LeanTarget? target, string method, bool sendBody,
        string? previous, int redirects, Validators validators, TraceHeaders? trace, CancellationToken ct) =>
        target is { } t
            ? _lean!.SendAsync(t.Pool, Message(request, url, t, method, sendBody, previous, redirects, validators, trace), ct)
            : SendMessageAsync(request, url, method == MethodName ? _method : new HttpMethod(method), sendBody, previous, redirects, validators, trace, ct);

    /// <summary>The conditional fields a cache revalidation adds (none outside one).</summary>
    private readonly record struct Validators(string? IfNoneMatch, string? IfModifiedSince);

    // An empty Location is no redirect: Go returns such a 3xx as it is (client.go, issues 17773 and 49281).
    private static bool IsFollowable(BackendResponse response, ProxyRequest request, bool sendBody, int redirects) =>
        ShouldFollow(response.StatusCode, !string.IsNullOrEmpty(response.Location), request, sendBody, redirects);

    /// <summary>
    /// The URL a redirect points to, resolved against the request's, as Go's client does (client.go): a Location
    /// that does not parse is "failed to parse Location header", and a scheme other than http/https is the
    /// transport's "unsupported protocol scheme"; both are a failed backend call, not an exception past it.
    /// </summary>
    private static Uri ResolveRedirect(string url, string location)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var current) || !Uri.TryCreate(current, location, out var next))
            throw new HttpRequestException($"failed to parse Location header \"{location}\"");
        if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            throw new HttpRequestException($"unsupported protocol scheme \"{next.Scheme}\"");
        return next;
    }

    /// <summary>Go's client rules, shared by both transports: which answers it follows (at most 10).</summary>
    private static bool ShouldFollow(int status, bool hasLocation, ProxyRequest request, bool sendBody, int redirects)
    {
        if (status is not (301 or 302 or 303 or 307 or 308) || redirects >= MaxRedirects || !hasLocation) return false;
        // 307/308 must resend the body; a streamed body cannot be replayed, so Go returns the redirect as is.
        return !(status is 307 or 308 && sendBody && request.BufferedBody is null && request.Body is not null);
    }

    /// <summary>A 301/302/303 turns any method but GET and HEAD into a GET without body, as Go does.</summary>
    private static bool BecomesGet(int status, string method) => status is 301 or 302 or 303 && method is not ("GET" or "HEAD");

    private BackendRequest Message(ProxyRequest request, string url, LeanTarget target, string method, bool sendBody, string? previous, int redirects, Validators validators,
        TraceHeaders? trace) => new()
        {
            Trace = trace,
            Method = method,
            Url = url,
            PathStart = target.PathStart,
            Authority = target.Authority,
            Headers = request.Headers,
            HeaderFilter = FilterFor(request),
            Referer = previous,
            IfNoneMatch = validators.IfNoneMatch,
            IfModifiedSince = validators.IfModifiedSince,
            BodyKind = !sendBody ? BackendBodyKind.None
            : request.BufferedBody is { Length: > 0 } ? BackendBodyKind.Bytes
            : request.BufferedBody is null && request.Body is not null && redirects == 0 ? BackendBodyKind.Stream
            : BackendBodyKind.Empty, // Go sends Content-Length: 0 on an empty POST/PUT/PATCH
            BodyBytes = request.BufferedBody,
            BodyStream = request.Body,
            ContentLength = request.ForwardedContentLength,
        };

    /// <summary>One request through the HttpMessageInvoker; redirects are left to <see cref="SendAsync"/>.</summary>
    private async ValueTask<BackendResponse> SendMessageAsync(ProxyRequest request, string url, HttpMethod method, bool sendBody, string? previous,
        int redirects, Validators validators, TraceHeaders? trace, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(method, url) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var headers = message.Headers;
        string? contentType = null;
        var filter = FilterFor(request);
        foreach (var (name, values) in request.Headers)
        {
            if (filter is not null && !filter.Contains(name)) continue;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) { contentType = values.ToString(); continue; }
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (trace is not null && TraceHeaders.Is(name)) continue;
            headers.TryAddWithoutValidation(name, (IEnumerable<string>)values!);
        }
        if (previous is not null) headers.TryAddWithoutValidation("Referer", previous);
        if (validators.IfNoneMatch is { } etag) headers.TryAddWithoutValidation("If-None-Match", etag);
        if (validators.IfModifiedSince is { } lastModified) headers.TryAddWithoutValidation("If-Modified-Since", lastModified);
        if (trace is { } t)
        {
            headers.TryAddWithoutValidation("traceparent", t.Parent.ToString());
            if (!string.IsNullOrEmpty(t.TraceState)) headers.TryAddWithoutValidation("tracestate", t.TraceState);
        }

        if (sendBody)
        {
            message.Content = CreateContent(request, redirects > 0);
            if (contentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        else if (contentType is not null)
        {
            // Go sends a GET's Content-Type (the GraphQL middleware sets one) without a body; HttpClient carries it
            // only on content, so an empty one carries it (with Content-Length: 0, which Go leaves out).
            message.Content = new ByteArrayContent([]);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return new MessageResponse(await _client.SendAsync(message, ct).ConfigureAwait(false));
    }

    /// <summary>The pool for a URL built from a configured host (found without parsing), else from any http:// URL; null for other schemes.</summary>
    private LeanTarget? FindTarget(string url)
    {
        var targets = _targets!;
        for (var i = 0; i < targets.Length; i++)
        {
            var host = _hosts[i];
            if (url.StartsWith(host, StringComparison.Ordinal) && (url.Length == host.Length || url[host.Length] is '/' or '?' || host[^1] == '/'))
                return targets[i];
        }
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? TargetFor(uri) : null;
    }

    /// <summary>A target for a URL that is not one of the configured hosts (a redirect, a URL set by a script).</summary>
    private LeanTarget? TargetFor(Uri uri)
    {
        var tls = uri.Scheme == Uri.UriSchemeHttps;
        if ((!tls && uri.Scheme != Uri.UriSchemeHttp) || uri.UserInfo.Length > 0) return null;
        var url = uri.AbsoluteUri;
        var slash = url.IndexOf('/', uri.Scheme.Length + "://".Length);
        return new LeanTarget(_lean!.GetPool(uri.IdnHost, uri.Port, tls), uri.Authority, slash >= 0 ? slash : url.Length);
    }

    /// <summary>Resolves each "http://host:port/prefix" or "https://..." to its pool once; any other scheme keeps the backend on SocketsHttpHandler.</summary>
    private static bool TryResolveTargets(LeanHttpClient lean, string[] hosts, out LeanTarget[] targets)
    {
        targets = new LeanTarget[hosts.Length];
        for (var i = 0; i < hosts.Length; i++)
        {
            var host = hosts[i];
            var tls = host.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            if ((!tls && !host.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) || !Uri.TryCreate(host, UriKind.Absolute, out var uri)) return false;
            var authorityStart = tls ? "https://".Length : "http://".Length;
            var authorityEnd = host.IndexOfAny(['/', '?', '#'], authorityStart);
            if (authorityEnd < 0) authorityEnd = host.Length;
            if (uri.UserInfo.Length > 0) return false;
            // Go's Host header is the URL's host exactly as written (with the port when one is given).
            targets[i] = new LeanTarget(lean.GetPool(uri.IdnHost, uri.Port, tls), host[authorityStart..authorityEnd], authorityEnd);
        }
        return true;
    }

    private readonly record struct LeanTarget(ConnectionPool Pool, string Authority, int PathStart);

    private static HttpContent CreateContent(ProxyRequest request, bool replay)
    {
        if (request.BufferedBody is { } buffered)
        {
            var content = new ByteArrayContent(buffered);
            if (request.ForwardedContentLength is null) content.Headers.ContentLength = null;
            return buffered.Length == 0 ? new ByteArrayContent([]) : new ChunkedContent(content, request.ForwardedContentLength);
        }
        if (request.Body is null || replay) return new ByteArrayContent([]); // Go sends Content-Length: 0 on an empty POST/PUT/PATCH
        return new ChunkedContent(new StreamContent(request.Body), request.ForwardedContentLength);
    }

    /// <summary>Wraps content so its length is unknown (chunked) unless Content-Length was explicitly forwarded.</summary>
    private sealed class ChunkedContent(HttpContent inner, long? length) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream, context);
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct) => inner.CopyToAsync(stream, context, ct);

        protected override bool TryComputeLength(out long l)
        {
            l = length ?? 0;
            return length is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
