using System.Globalization;
using System.Text;
using System.Text.Json;
using Virtsim.Fleet.Metrics;

namespace Virtsim.Fleet.World;

/// <summary>What a run did: the seed, the trace hash, the counters, the times, and whether every check held.</summary>
public sealed record RunReport
{
    /// <summary>The scenario's name.</summary>
    public required string Scenario { get; init; }

    /// <summary>The seed.</summary>
    public required int Seed { get; init; }

    /// <summary>The 64-bit FNV-1a hash of the ordered message trace.</summary>
    public required ulong TraceHash { get; init; }

    /// <summary>Messages delivered.</summary>
    public required long Messages { get; init; }

    /// <summary>True when every workload finished within the virtual time limit.</summary>
    public required bool Completed { get; init; }

    /// <summary>Requests completed (block requests plus delivered frames).</summary>
    public required long Requests { get; init; }

    /// <summary>Requests issued and never completed (in a good run 0, or exactly <see cref="FramesDroppedByCrash"/>).</summary>
    public required long Lost { get; init; }

    /// <summary>Completions seen twice (0 in a good run).</summary>
    public required long Duplicates { get; init; }

    /// <summary>Checksum mismatches (0 in a good run).</summary>
    public required long IntegrityErrors { get; init; }

    /// <summary>Virtual time the run took.</summary>
    public required TimeSpan VirtualTime { get; init; }

    /// <summary>Wall-clock time the run took.</summary>
    public required TimeSpan WallTime { get; init; }

    /// <summary>
    /// Blocks whose acknowledged write the driver had promised durable (written through, or followed by a successful
    /// flush) and the disk no longer holds after the run (0 in a good run).
    /// </summary>
    public long AckedWritesLost { get; init; }

    /// <summary>
    /// Blocks whose newest acknowledged write was never promised durable (a writeback cache, no successful flush after
    /// it) and a crash dropped with the cache: allowed by the virtio-blk spec, so not a failed check.
    /// </summary>
    public long UnflushedWritesLost { get; init; }

    /// <summary>
    /// Frames a crash (of a net backend, a crashed software switch port, or of a net device) destroyed, as their
    /// receiving workloads were told: part of <see cref="Lost"/>, and in a good run all of it.
    /// </summary>
    public long FramesDroppedByCrash { get; init; }

    /// <summary>Device recoveries after crashes and their virtual and wall times.</summary>
    public RecoveryTimes Recoveries { get; init; }

    /// <summary>
    /// Why devices did not do their part, as their drivers and device actors said at the end of the run: a driver that
    /// gave up (its reason), a device in DEVICE_NEEDS_RESET (its reason), a backend or journal that stopped for good, a
    /// driver that never finished initialising a device whose workload did not finish. Empty in a good run.
    /// </summary>
    public IReadOnlyList<DeviceFailure> Failures { get; init; } = [];

    /// <summary>Every live migration, in the order they ended (empty without migrations).</summary>
    public IReadOnlyList<Migration.MigrationResult> Migrations { get; init; } = [];

    /// <summary>"host/vm" of VMs lost (a source host crashed during post-copy, or a host crashed under them): their requests are not counted as lost.</summary>
    public IReadOnlyList<string> LostVms { get; init; } = [];

    /// <summary>Guest memory pages that differed between source and destination at migrations' switchovers (0 in a good run).</summary>
    public long MemoryMismatches { get; init; }

    /// <summary>Failed calls of the persistence store, in order (the run stops at the first; empty in a good run).</summary>
    public IReadOnlyList<StoreFailure> StoreFailures { get; init; } = [];

    /// <summary>Frames a message fault dropped on the wire, as their receiving workloads were told: part of <see cref="Lost"/>.</summary>
    public long FramesDroppedByFaults { get; init; }

    /// <summary>
    /// Frames a message fault corrupted on their way to the device they were meant for: each must show as one integrity
    /// error (and, having arrived damaged, is part of <see cref="Lost"/>).
    /// </summary>
    public long FramesCorrupted { get; init; }

    /// <summary>What is lost with reason: frames crashes destroyed, frames faults dropped, frames faults corrupted.</summary>
    public long AllowedLost => FramesDroppedByCrash + FramesDroppedByFaults + FramesCorrupted;

    /// <summary>DMA requests that named an IOMMU domain not their device's VM's (refused; 0 in a good run).</summary>
    public long DmaOutsideDomain { get; init; }

    /// <summary>"host/vm/device" of the devices whose workload did not finish (VMs lost with their host aside).</summary>
    public IReadOnlyList<string> Unfinished { get; init; } = [];

    /// <summary>
    /// "host/vm/device" of the devices whose driver gave them up after max-resets resets without progress (their
    /// requests failed with the reason, in <see cref="Failures"/>): they did not recover.
    /// </summary>
    public IReadOnlyList<string> GaveUp { get; init; } = [];

    /// <summary>What the scenario's message faults did, or null when it has none.</summary>
    public MessageFaults.MessageFaultCounts? MessageFaults { get; init; }

    /// <summary>The named invariants (<see cref="RunInvariants"/>), each held or broken with its reason.</summary>
    /// <remarks>Computed at each call, not cached: a copy made with <c>with</c> must be judged on its own figures.</remarks>
    public IReadOnlyList<RunInvariant> Invariants => RunInvariants.Of(this);

    /// <summary>
    /// True when the run passed every check: completed, no store failure, and every invariant held (nothing lost but
    /// what crashes and faults took, with reason; nothing completed twice; every checksum mismatch a corrupted frame;
    /// no acknowledged write missing from the disk; no guest memory page different at a migration's switchover; no DMA
    /// outside its domain).
    /// </summary>
    public bool PassedChecks => Completed && StoreFailures.Count == 0 && Invariants.All(i => i.Held);

    /// <summary>How the run ended: a store failure first (it stopped the run), then the checks.</summary>
    public RunOutcome Outcome => StoreFailures.Count > 0 ? RunOutcome.StoreFailed : PassedChecks ? RunOutcome.Passed : RunOutcome.ChecksFailed;

    /// <summary>The outcome as written in the JSON summary: "passed", "checks-failed" or "store-failed".</summary>
    public string OutcomeName => Outcome switch
    {
        RunOutcome.Passed => "passed",
        RunOutcome.StoreFailed => "store-failed",
        _ => "checks-failed",
    };

    /// <summary>When each of <see cref="Migrations"/> started (virtual time), in the same order; empty when not recorded.</summary>
    public IReadOnlyList<TimeSpan> MigrationStarts { get; init; } = [];

    /// <summary>What each migration wave did (scenario key <c>waves</c>), in order.</summary>
    public IReadOnlyList<Waves.WaveResult> Waves { get; init; } = [];

    /// <summary>Bytes the migrations moved per link over time (for the HTML report), or null.</summary>
    public Migration.LinkUsage? LinkUsage { get; init; }

    /// <summary>The fleet's links (names of <see cref="LinkUsage"/>'s links), or null.</summary>
    public Migration.FleetLinks? Links { get; init; }

    private static string MessageFaultNames(MessageFaults.MessageClass c) => Virtsim.Fleet.MessageFaults.MessageFaultNames.Of(c);

    /// <summary>Every counter by name.</summary>
    public required IReadOnlyDictionary<string, long> Counters { get; init; }

    /// <summary>A counter's value (0 when absent).</summary>
    public long this[FleetCounter counter] => Counters.TryGetValue(counter.ToString(), out var v) ? v : 0;

    /// <summary>The trace hash as 16 hex digits.</summary>
    public string TraceHashHex => TraceHash.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Virtual seconds simulated per wall-clock second.</summary>
    public double VirtualToWallRatio => WallTime.Ticks == 0 ? 0 : (double)VirtualTime.Ticks / WallTime.Ticks;

    /// <summary>The report as one line of JSON (keys in a fixed order; seed, traceHash, requests, integrityErrors first).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("seed", Seed);
            w.WriteString("traceHash", TraceHashHex);
            w.WriteNumber("requests", Requests);
            w.WriteNumber("integrityErrors", IntegrityErrors);
            w.WriteString("scenario", Scenario);
            w.WriteBoolean("completed", Completed);
            w.WriteString("outcome", OutcomeName);
            w.WriteNumber("lost", Lost);
            w.WriteNumber("framesDroppedByCrash", FramesDroppedByCrash);
            w.WriteNumber("duplicates", Duplicates);
            w.WriteNumber("bytes", this[FleetCounter.Bytes]);
            w.WriteNumber("doorbells", this[FleetCounter.Doorbells]);
            w.WriteNumber("interrupts", this[FleetCounter.MsixInterrupts] + this[FleetCounter.LineInterrupts]);
            w.WriteStartObject("dma");
            w.WriteNumber("descriptor", this[FleetCounter.DmaDescriptor]);
            w.WriteNumber("ringIndex", this[FleetCounter.DmaRingIndex]);
            w.WriteNumber("ringEntry", this[FleetCounter.DmaRingEntry]);
            w.WriteNumber("dataRead", this[FleetCounter.DmaDataRead]);
            w.WriteNumber("dataWrite", this[FleetCounter.DmaDataWrite]);
            w.WriteNumber("eventSuppression", this[FleetCounter.DmaEventSuppression]);
            w.WriteEndObject();
            w.WriteNumber("ackedWritesLost", AckedWritesLost);
            w.WriteNumber("unflushedWritesLost", UnflushedWritesLost);
            w.WriteNumber("duplicateCompletions", Duplicates);
            w.WriteNumber("recoveries", Recoveries.Count);
            w.WriteStartObject("recoveryTime");
            w.WriteNumber("virtualMeanUs", Recoveries.VirtualMean.Ticks / 10.0);
            w.WriteNumber("virtualMaxUs", Recoveries.VirtualMax.Ticks / 10.0);
            w.WriteNumber("wallMeanMs", Math.Round(Recoveries.WallMean.TotalMilliseconds, 3));
            w.WriteNumber("wallMaxMs", Math.Round(Recoveries.WallMax.TotalMilliseconds, 3));
            w.WriteEndObject();
            w.WriteStartArray("failures");
            foreach (var f in Failures)
            {
                w.WriteStartObject();
                w.WriteString("device", f.Device);
                w.WriteString("reason", f.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("storeFailures");
            foreach (var f in StoreFailures)
            {
                w.WriteStartObject();
                w.WriteString("persistenceId", f.PersistenceId);
                w.WriteString("phase", f.Phase);
                w.WriteNumber("sequenceNr", f.SequenceNr);
                w.WriteString("error", f.Error);
                w.WriteNumber("atUs", f.At.Ticks / 10.0);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (Migrations.Count > 0 || LostVms.Count > 0)
            {
                Migration.MigrationResult.WriteArray(w, Migrations);
                w.WriteStartArray("lostVms");
                foreach (var vm in LostVms) w.WriteStringValue(vm);
                w.WriteEndArray();
                w.WriteNumber("memoryMismatches", MemoryMismatches);
            }
            if (Waves.Count > 0) Virtsim.Fleet.Waves.WaveResult.WriteArray(w, Waves);
            w.WriteStartArray("invariants");
            foreach (var i in Invariants)
            {
                w.WriteStartObject();
                w.WriteString("name", i.Name);
                w.WriteBoolean("held", i.Held);
                w.WriteString("reason", i.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (MessageFaults is { } faults)
            {
                w.WriteStartObject("messageFaults");
                w.WriteNumber("total", faults.Total);
                foreach (var group in faults.NonZero().GroupBy(f => f.Class))
                {
                    w.WriteStartObject(MessageFaultNames(group.Key));
                    foreach (var f in group) w.WriteNumber(Virtsim.Fleet.MessageFaults.MessageFaultNames.Of(f.Action), f.Count);
                    w.WriteEndObject();
                }
                w.WriteNumber("framesDropped", FramesDroppedByFaults);
                w.WriteNumber("framesCorrupted", FramesCorrupted);
                w.WriteNumber("unreadable", faults.Unreadable);
                w.WriteEndObject();
            }
            w.WriteNumber("dmaOutsideDomain", DmaOutsideDomain);
            w.WriteNumber("messages", Messages);
            w.WriteNumber("virtualTimeUs", VirtualTime.Ticks / 10.0);
            w.WriteNumber("wallTimeMs", Math.Round(WallTime.TotalMilliseconds, 3));
            w.WriteStartObject("counters");
            foreach (var (k, v) in Counters) w.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(k), v);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
