namespace SimNet.Faults;

/// <summary>A transport stack that loses its state when its host crashes (TCP connections vanish without RST or FIN).</summary>
internal interface ICrashable
{
    /// <summary>Forget every connection and listener silently; peers find out by timeout or by the RST a restarted host sends.</summary>
    void Crash();
}
