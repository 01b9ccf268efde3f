namespace SimNet.Http;

/// <summary>
/// Enforces a request timeout on a <see cref="TimeProvider"/> (the simulation's virtual clock) instead of
/// wall time: what <see cref="HttpClient.Timeout"/> does, for code whose time is simulated. Put it in front
/// of the handler and set <see cref="HttpClient.Timeout"/> to <see cref="Timeout.InfiniteTimeSpan"/>.
/// </summary>
/// <remarks>
/// Like HttpClient's timeout it covers the request until the response headers have arrived (and, for a
/// buffered response read through HttpClient's GetStringAsync or SendAsync's default completion, the
/// content too, which HttpClient reads before this handler returns). On timeout the request is cancelled
/// and the caller gets a <see cref="TaskCanceledException"/> whose inner exception is a
/// <see cref="TimeoutException"/>, the shape HttpClient gives since .NET 5. A cancellation by the caller's
/// own token stays a plain cancellation.
/// <para>A gRPC call's deadline (the <c>grpc-timeout</c> header Grpc.Net.Client sends) is enforced the same
/// way, until the response headers arrive: when it passes first, the call gets a trailers-only response
/// with status DEADLINE_EXCEEDED, so the client throws <c>RpcException</c> with <c>StatusCode.DeadlineExceeded</c>
/// at the virtual instant of the deadline. Turn the channel's own wall-clock deadline timer off with
/// <see cref="SimNetHttp.UseVirtualGrpcDeadlines"/>.</para>
/// </remarks>
public sealed class VirtualTimeoutHandler : DelegatingHandler
{
    private readonly TimeProvider clock;

    /// <summary>Creates the handler with a timeout of <paramref name="timeout"/> measured on <paramref name="clock"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative and not infinite.</exception>
    public VirtualTimeoutHandler(TimeProvider clock, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(clock);
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan && timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be greater than zero or Timeout.InfiniteTimeSpan.");
        }

        this.clock = clock;
        Timeout = timeout;
    }

    /// <summary>The timeout, in the clock's time.</summary>
    public TimeSpan Timeout { get; }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        TimeSpan? deadline = GrpcTimeout(request);
        TimeSpan limit = deadline is TimeSpan d && (Timeout == System.Threading.Timeout.InfiniteTimeSpan || d < Timeout) ? d : Timeout;
        if (limit == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var timer = new CancellationTokenSource(limit, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await base.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (deadline == limit)
            {
                // The gRPC deadline passed before the response headers came: answer as a server would
                // (trailers-only, status DEADLINE_EXCEEDED), so the gRPC client reports DeadlineExceeded.
                return DeadlineExceeded(request);
            }

            throw new TaskCanceledException(
                $"The request was canceled due to the configured HttpClient.Timeout of {Timeout.TotalSeconds} seconds elapsing (virtual time).",
                new TimeoutException(e.Message, e),
                timer.Token);
        }
    }

    /// <summary>
    /// The gRPC deadline a gRPC client put in the <c>grpc-timeout</c> request header (an integer of at most
    /// 8 digits and a unit: H, M, S, m, u or n), or null when there is none or it is malformed.
    /// </summary>
    internal static TimeSpan? GrpcTimeout(HttpRequestMessage request)
    {
        if (!request.Headers.TryGetValues("grpc-timeout", out IEnumerable<string>? values))
        {
            return null;
        }

        foreach (string value in values)
        {
            if (value.Length is < 2 or > 9 || !long.TryParse(value.AsSpan(0, value.Length - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long amount))
            {
                return null;
            }

            return value[^1] switch
            {
                'H' => TimeSpan.FromHours(amount),
                'M' => TimeSpan.FromMinutes(amount),
                'S' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMilliseconds(amount),
                'u' => TimeSpan.FromTicks(amount * 10),
                'n' => TimeSpan.FromTicks(amount / 100),
                _ => null,
            };
        }

        return null;
    }

    private static HttpResponseMessage DeadlineExceeded(HttpRequestMessage request)
    {
        var content = new ByteArrayContent(Array.Empty<byte>());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK)
        {
            RequestMessage = request,
            Version = request.Version,
            Content = content,
        };
        response.Headers.TryAddWithoutValidation("grpc-status", "4");
        response.Headers.TryAddWithoutValidation("grpc-message", "Deadline Exceeded");
        return response;
    }
}
