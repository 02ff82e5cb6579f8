using System.Text;
using Cuttle.Config;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Tests.Validation;

public sealed class ValidationBuilderTests
{
    [Fact]
    public async Task A_schema_that_does_not_compile_is_logged_as_krakend_does_and_the_build_goes_on()
    {
        const string json = """
            { "version": 3, "endpoints": [ { "endpoint": "/orders", "method": "POST",
              "extra_config": { "validation/json-schema": { "properties": { "a": { "$ref": "#/definitions/missing" } } } },
              "backend": [ { "host": ["http://127.0.0.1:19"], "url_pattern": "/o" } ] } ] }
            """;
        var loaded = ConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "krakend.json");
        Assert.True(loaded.Success, string.Join("\n", loaded.Diagnostics));
        var logs = new ListLoggerFactory();

        var generation = GenerationBuilder.Build(loaded.Config!, new GenerationOptions { LoggerFactory = logs });
        await generation.DisposeAsync();

        var entry = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(1801, entry.Id.Id);
        Assert.StartsWith("[ENDPOINT: /orders][JSONSchema] Parsing the definition: ", entry.Message, StringComparison.Ordinal);
        Assert.Contains("#/definitions/missing", entry.Message, StringComparison.Ordinal);
    }

    private sealed class ListLoggerFactory : ILoggerFactory, ILogger
    {
        public List<(LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

        public void AddProvider(ILoggerProvider provider) { }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose() { }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries) Entries.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}
