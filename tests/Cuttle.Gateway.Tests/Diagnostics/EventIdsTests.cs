using System.Reflection;
using Cuttle.Gateway.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cuttle.Gateway.Tests.Diagnostics;

public sealed class EventIdsTests
{
    /// <summary>The <c>const int</c> fields of an EventIds class, by name.</summary>
    private static Dictionary<string, int> Constants(Type eventIds) =>
        eventIds.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(int))
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);

    /// <summary>Every <c>[LoggerMessage]</c> method of an assembly with its event id.</summary>
    private static List<(string Method, int Id)> LoggerMessages(Assembly assembly) =>
        [.. assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(x => x.Attribute is not null)
            .Select(x => ($"{x.Method.DeclaringType!.FullName}.{x.Method.Name}", x.Attribute!.EventId))];

    [Fact]
    public void Constants_AreUnique()
    {
        var constants = Constants(typeof(EventIds));
        Assert.NotEmpty(constants);
        var twice = constants.GroupBy(c => c.Value).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(c => c.Key))}");
        Assert.Empty(twice);
    }

    [Fact]
    public void EveryLoggerMessage_HasItsOwnId_DeclaredInEventIds()
    {
        var declared = Constants(typeof(EventIds)).Values.ToHashSet();
        var messages = LoggerMessages(typeof(EventIds).Assembly);
        Assert.NotEmpty(messages);
        Assert.Empty(messages.Where(m => !declared.Contains(m.Id)).Select(m => $"{m.Method}: {m.Id}"));
        Assert.Empty(messages.GroupBy(m => m.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}"));
    }
}
