using System.Text.Json;
using Cuttle.Gateway.Cel.Language;

namespace Cuttle.Gateway.Cel;

/// <summary>krakend-cel Rejecter activation: JWT (the validated token's claims) and now.</summary>
internal sealed class CelJwtActivation(JsonElement claims, TimeProvider time) : CelActivation
{
    public override object? Resolve(CelVariable variable) => variable switch
    {
        CelVariable.Jwt => claims,
        CelVariable.Now => CelClock.Now(time),
        _ => Unbound(variable),
    };
}
