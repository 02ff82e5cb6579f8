namespace Cuttle.Gateway.Diagnostics;

/// <summary>
/// Every <c>[LoggerMessage]</c> event id of the gateway, in one place, so that an id names one event and can be
/// filtered and grepped for. A block of a hundred per feature; a new feature takes the next free block. The host's
/// ids (<c>Cuttle.Diagnostics.EventIds</c>) stay below 1000 and at 3000 and up.
/// </summary>
internal static class EventIds
{
    // Proxy: calling backends (10xx).
    public const int BackendFailed = 1001;

    // Endpoints: the endpoint handlers (11xx), no-op streaming (12xx), built-in endpoints (13xx).
    public const int EndpointError = 1101;
    public const int NoOpBackendFailed = 1201;
    public const int NoOpStreamAborted = 1202;
    public const int DebugRequest = 1301;

    // Security/BotDetector (14xx).
    public const int BotRejectedByService = 1401;
    public const int BotRejectedAtEndpoint = 1402;

    // Discovery: sd dns (15xx). It once shared 1401/1402 with the bot detector.
    public const int SrvLookupFailed = 1501;
    public const int SrvLookupEmpty = 1502;
    public const int SrvFirstLookupPending = 1503;

    // Auth: auth/validator and auth/signer (16xx).
    public const int JwtRejected = 1601;
    public const int JwtSignerFailed = 1602;

    // Lua (17xx).
    public const int LuaAborted = 1701;
    public const int LuaServiceAborted = 2401;

    // Validation: validation/json-schema (18xx).
    public const int JsonSchemaNotCompiled = 1801;

    // Discovery: sd dns, lura's weighting (18xx).
    public const int SrvNoWeight = 1811;

    // Cel: validation/cel (21xx).
    public const int CelRejected = 2101;

    // Qos: qos/circuit-breaker (22xx).
    public const int CircuitBreakerStateChanged = 2201;

    // Qos/Redis: the shared rate limit's Redis connections (28xx).
    public const int RedisUnreachable = 2801;
    public const int RedisRecovered = 2802;

    // Auth and Security: security/http, auth/revoker, auth/client-credentials (33xx).
    public const int HttpSecureBadHost = 3301;
    public const int ClientCredentialsFailed = 3302;
    public const int RevokerListening = 3303;
    public const int JwtRejectedQuietly = 3304;
    public const int RevokerBindFailed = 3305;
    public const int RevokerAdded = 3306;
}
