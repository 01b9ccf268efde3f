using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace SimNet.AspNetCore;

/// <summary>
/// The internal members of Kestrel (Microsoft.AspNetCore.Server.Kestrel.Core, shared framework 10.0)
/// that put its clock on virtual time, reached by name with <see cref="UnsafeAccessorAttribute"/>.
/// Every name here is pinned by a test (KestrelClockTests) against the shared framework in use, so a
/// framework update that renames one fails that test rather than a user.
/// </summary>
internal static class KestrelInternals
{
    public const string Assembly = "Microsoft.AspNetCore.Server.Kestrel.Core";
    public const string ServerImpl = "Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerImpl, " + Assembly;
    public const string ServiceContext = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.ServiceContext, " + Assembly;
    public const string Heartbeat = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Infrastructure.Heartbeat, " + Assembly;
    public const string DateHeaderValueManager = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.DateHeaderValueManager, " + Assembly;

    /// <summary>KestrelServerImpl.ServiceContext: what every connection of the server reads its clock, scheduler and heartbeat from.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_ServiceContext")]
    [return: UnsafeAccessorType(ServiceContext)]
    public static extern object GetServiceContext([UnsafeAccessorType(ServerImpl)] object server);

    /// <summary>ServiceContext.TimeProvider: read by every connection's timeout control (keep-alive, request headers, body rate, HTTP/2 keep-alive pings).</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_TimeProvider")]
    public static extern void SetTimeProvider([UnsafeAccessorType(ServiceContext)] object context, TimeProvider timeProvider);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_TimeProvider")]
    public static extern TimeProvider GetTimeProvider([UnsafeAccessorType(ServiceContext)] object context);

    /// <summary>ServiceContext.Scheduler: where Kestrel's own pipes (HTTP/2 request bodies) run their continuations; PipeScheduler.ThreadPool by default.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Scheduler")]
    public static extern void SetScheduler([UnsafeAccessorType(ServiceContext)] object context, PipeScheduler scheduler);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Scheduler")]
    public static extern PipeScheduler GetScheduler([UnsafeAccessorType(ServiceContext)] object context);

    /// <summary>ServiceContext.Heartbeat: the heartbeat KestrelServerImpl starts (a dedicated thread that sleeps one wall second between beats) unless it is null.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_Heartbeat")]
    [return: UnsafeAccessorType(Heartbeat)]
    public static extern object? GetHeartbeat([UnsafeAccessorType(ServiceContext)] object context);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Heartbeat")]
    public static extern void SetHeartbeat([UnsafeAccessorType(ServiceContext)] object context, [UnsafeAccessorType(Heartbeat)] object? heartbeat);

    /// <summary>ServiceContext.DateHeaderValueManager: the source of the Date response header.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "get_DateHeaderValueManager")]
    [return: UnsafeAccessorType(DateHeaderValueManager)]
    public static extern object GetDateHeaderValueManager([UnsafeAccessorType(ServiceContext)] object context);

    /// <summary>Heartbeat._timeProvider: the clock a beat reads.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_timeProvider")]
    public static extern ref TimeProvider HeartbeatClock([UnsafeAccessorType(Heartbeat)] object heartbeat);

    /// <summary>Heartbeat.OnHeartbeat(): one beat: every handler (Date header values, the connection manager's timeout walk) in order.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "OnHeartbeat")]
    public static extern void OnHeartbeat([UnsafeAccessorType(Heartbeat)] object heartbeat);

    /// <summary>DateHeaderValueManager._timeProvider: the clock the Date header is formatted from.</summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_timeProvider")]
    public static extern ref TimeProvider DateHeaderClock([UnsafeAccessorType(DateHeaderValueManager)] object manager);
}
