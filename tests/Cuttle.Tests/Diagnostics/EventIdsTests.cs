using System.Reflection;
using Cuttle.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Tests.Diagnostics;

public sealed class EventIdsTests
{
    private static Dictionary<string, int> Constants(Type eventIds) =>
        eventIds.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    [Fact]
    public void Constants_AreUnique_AndApartFromTheGateways()
    {
        var host = Constants(typeof(EventIds));
        Assert.NotEmpty(host);
        Assert.Empty(host.GroupBy(c => c.Value).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Key))}"));

        // One log stream carries both projects' events: an id must not mean one thing in each.
        var gateway = Constants(typeof(Cuttle.Gateway.Diagnostics.EventIds)).Values.ToHashSet();
        Assert.Empty(host.Where(c => gateway.Contains(c.Value)).Select(c => $"{c.Key}: {c.Value}"));
    }

    [Fact]
    public void EveryLoggerMessage_HasItsOwnId_DeclaredInEventIds()
    {
        var declared = Constants(typeof(EventIds)).Values.ToHashSet();
        var messages = typeof(EventIds).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => (Name: $"{x.Method.DeclaringType!.FullName}.{x.Method.Name}", Id: x.Attribute!.EventId))
            .ToList();
        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(m => !declared.Contains(m.Id)).Select(m => $"{m.Name}: {m.Id}"));
        Assert.Empty(messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Name))}"));
    }
}
