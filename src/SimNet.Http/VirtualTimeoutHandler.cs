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
        if (Timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var timer = new CancellationTokenSource(Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            return await base.SendAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TaskCanceledException(
                $"The request was canceled due to the configured HttpClient.Timeout of {Timeout.TotalSeconds} seconds elapsing (virtual time).",
                new TimeoutException(e.Message, e),
                timer.Token);
        }
    }
}
