// Fixed fast backend for bench/run, and the "bare Kestrel" reference: the cheapest a Kestrel-hosted proxy can be is
// Kestrel answering by itself. Serves the same bodies as bench/nginx/backend.conf.in:
//   /a.json -> 63-byte JSON (the no-op, filter and first merge backend), /b.json -> 63-byte JSON (second merge backend),
//   /user.json -> 1008-byte JSON (the filtered 1 KB response of the allocation probe)
// Usage: KestrelBackend --urls http://127.0.0.1:PORT
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(static o => o.AddServerHeader = false);
var app = builder.Build();

byte[] a = """{"id":420,"name":"cuttle","active":true,"tags":["fast","json"]}"""u8.ToArray();
byte[] b = """{"price":9.5,"stock":7,"currency":"EUR","updated":"2026-01-01"}"""u8.ToArray();
byte[] user = """{"id":420,"name":"cuttle","email":"cuttle@example.com","active":true,"score":12.75,"address":{"street":"1 Harbour Road","city":"Lisbon","zip":"1100-001"},"tags":["fast","json","gateway"],"items":[{"sku":"SKU-0","qty":0,"price":0.5},{"sku":"SKU-1","qty":1,"price":1.5},{"sku":"SKU-2","qty":2,"price":2.5},{"sku":"SKU-3","qty":3,"price":3.5},{"sku":"SKU-4","qty":4,"price":4.5},{"sku":"SKU-5","qty":5,"price":5.5},{"sku":"SKU-6","qty":6,"price":6.5},{"sku":"SKU-7","qty":0,"price":7.5},{"sku":"SKU-8","qty":1,"price":8.5},{"sku":"SKU-9","qty":2,"price":9.5},{"sku":"SKU-10","qty":3,"price":10.5},{"sku":"SKU-11","qty":4,"price":11.5},{"sku":"SKU-12","qty":5,"price":12.5},{"sku":"SKU-13","qty":6,"price":13.5},{"sku":"SKU-14","qty":0,"price":14.5},{"sku":"SKU-15","qty":1,"price":15.5},{"sku":"SKU-16","qty":2,"price":16.5},{"sku":"SKU-17","qty":3,"price":17.5},{"sku":"SKU-18","qty":4,"price":18.5},{"sku":"SKU-19","qty":5,"price":19.5},{"sku":"SKU-20","qty":6,"price":20.5}],"updated":"2026-01-01T00:00:00Z"}"""u8.ToArray();

app.Run(ctx =>
{
    var path = ctx.Request.Path.Value;
    var body = path == "/a.json" ? a : path == "/b.json" ? b : path == "/user.json" ? user : null;
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
