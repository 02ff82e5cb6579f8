using System.Collections.Immutable;

namespace Cuttle.Config.Model;

/// <summary>
/// extra_config."modifier/martian" (alias github.com/devopsfaith/krakend-martian), backend level: one google/martian
/// modifier (usually a <c>fifo.Group</c>) run on the backend request before it is sent and on the backend response
/// before it is parsed. Each modifier's <see cref="MartianModifier.Scope"/> is already martian's
/// <c>parse.NewResult</c> answer: absent "scope" means every phase the modifier has, a listed phase it lacks is an error.
/// </summary>
public sealed record MartianOptions
{
    public required MartianModifier Root { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>The phases a martian modifier acts in.</summary>
[Flags]
public enum MartianScope
{
    None = 0,
    Request = 1,
    Response = 2,
    Both = Request | Response,
}

/// <summary>One modifier of the martian DSL, with its registered name ("header.Modifier") and its effective scope.</summary>
public abstract record MartianModifier
{
    public required string Kind { get; init; }

    public MartianScope Scope { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.None;
}

/// <summary>fifo.Group: its modifiers in order; with aggregateErrors the rest still run after one fails.</summary>
public sealed record MartianGroup : MartianModifier
{
    public ImmutableArray<MartianModifier> Modifiers { get; init; } = [];

    public bool AggregateErrors { get; init; }
}

/// <summary>header.Modifier (Set) and header.Append (Add); <see cref="Name"/> is canonical.</summary>
public sealed record MartianHeader : MartianModifier
{
    public required string Name { get; init; }

    public required string Value { get; init; }

    public bool Append { get; init; }
}

/// <summary>header.Copy: sets <see cref="To"/> to the first value of <see cref="From"/> ("" when absent).</summary>
public sealed record MartianHeaderCopy : MartianModifier
{
    public required string From { get; init; }

    public required string To { get; init; }
}

/// <summary>header.Blacklist: deletes the named headers.</summary>
public sealed record MartianHeaderBlacklist : MartianModifier
{
    public ImmutableArray<string> Names { get; init; } = [];
}

/// <summary>header.Id (krakend-martian): sets the header (default X-Krakend-Id) to a new UUID unless it is set.</summary>
public sealed record MartianHeaderId : MartianModifier
{
    public required string Header { get; init; }
}

/// <summary>
/// header.RegexFilter: runs <see cref="Modifier"/> when the request's first value of <see cref="Header"/> is not empty
/// and matches <see cref="Regex"/> (unanchored, RE2 syntax); the response phase tests the request's header too.
/// </summary>
public sealed record MartianHeaderRegexFilter : MartianModifier
{
    public required string Header { get; init; }

    public required string Regex { get; init; }

    public required MartianModifier Modifier { get; init; }
}

/// <summary>
/// header.Filter: runs <see cref="Modifier"/> when one of the message's values of <see cref="Name"/> equals
/// <see cref="Value"/>, else <see cref="Else"/>; the response phase tests the response's own headers.
/// </summary>
public sealed record MartianHeaderFilter : MartianModifier
{
    public required string Name { get; init; }

    public required string Value { get; init; }

    public required MartianModifier Modifier { get; init; }

    public MartianModifier? Else { get; init; }
}

/// <summary>querystring.Modifier: sets one query parameter; the query is re-encoded sorted by key (url.Values.Encode).</summary>
public sealed record MartianQueryString : MartianModifier
{
    public required string Name { get; init; }

    public required string Value { get; init; }
}

/// <summary>url.Modifier: replaces each non-empty part of the backend URL.</summary>
public sealed record MartianUrl : MartianModifier
{
    public string Scheme { get; init; } = "";

    public string Host { get; init; } = "";

    public string Path { get; init; } = "";

    public string Query { get; init; } = "";
}

/// <summary>body.Modifier: replaces the body (decoded from base64) and sets Content-Type; drops Content-Encoding.</summary>
public sealed record MartianBody : MartianModifier
{
    public ImmutableArray<byte> Body { get; init; } = [];

    public string ContentType { get; init; } = "";
}

/// <summary>cookie.Modifier: adds the cookie to the request's Cookie header, or a Set-Cookie to the response.</summary>
public sealed record MartianCookie : MartianModifier
{
    public string Name { get; init; } = "";

    public string Value { get; init; } = "";

    public string Path { get; init; } = "";

    public string Domain { get; init; } = "";

    /// <summary>Null for Go's zero time (no Expires attribute).</summary>
    public DateTimeOffset? Expires { get; init; }

    public bool Secure { get; init; }

    public bool HttpOnly { get; init; }

    public int MaxAge { get; init; }
}

/// <summary>stash.Modifier: stores the request URL in a header, and copies it to the response.</summary>
public sealed record MartianStash : MartianModifier
{
    public required string HeaderName { get; init; }
}

/// <summary>
/// static.Modifier (krakend-martian's): the request phase skips the backend call; the response phase serves the
/// file at <see cref="RootPath"/> + the request path (or its explicit mapping), 404 when it does not exist.
/// </summary>
public sealed record MartianStatic : MartianModifier
{
    public required string RootPath { get; init; }

    public ImmutableDictionary<string, string> ExplicitPaths { get; init; } = ImmutableDictionary<string, string>.Empty;
}

/// <summary>status.Modifier: sets the response status code.</summary>
public sealed record MartianStatus : MartianModifier
{
    public int StatusCode { get; init; }
}
