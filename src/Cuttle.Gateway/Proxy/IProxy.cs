using Cuttle.Gateway.Data;

namespace Cuttle.Gateway.Proxy;

/// <summary>One layer of an endpoint's proxy stack (lura's proxy.Proxy). Never throws for backend failures.</summary>
internal interface IProxy
{
    ValueTask<ProxyResult> InvokeAsync(ProxyRequest request, CancellationToken cancellationToken);
}
