import type { PhaseResult } from './round.js';

/** A target of the issue, and whether a phase met it. */
interface Check {
  readonly name: string;
  readonly met: boolean;
  readonly shows: string;
}

/**
 * The targets of issue #18 for a phase that ends a round: every upload ready,
 * none lost or stuck, no duplicate or orphan object, the DLQ empty. A round
 * with a redrive is judged after it.
 */
export function checks(phase: PhaseResult): Check[] {
  const c = phase.census;
  const stuck = Object.values(c.stuck).reduce((a, b) => a + b, 0);
  return [
    { name: 'all ready', met: c.ready === c.uploads, shows: `${c.ready} / ${c.uploads}` },
    { name: 'none lost', met: c.lost.length === 0, shows: String(c.lost.length) },
    {
      name: 'none stuck',
      met: stuck === 0 && c.renditionsMissing === 0,
      shows: String(stuck + c.renditionsMissing),
    },
    {
      name: 'no duplicate objects',
      met: c.duplicateObjects.length === 0,
      shows: String(c.duplicateObjects.length),
    },
    { name: 'no orphan objects', met: c.orphanObjects.length === 0, shows: String(c.orphanObjects.length) },
    { name: 'DLQ empty', met: c.dlq === 0, shows: String(c.dlq) },
  ];
}

const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

/** What the rows count, for a reader of the results file. */
const READING = `An upload is the client's: **ready** when its record is \`ready\`, its original is in the bucket and every rendition the record names is there; **lost** when its record or its original is missing; **stuck** when the record says anything else. A photo owns its original and the renditions of its record (thumb, preview, large, WebP): any other object under it is a **duplicate**, an object of a photo without a record an **orphan**. *Renditions of photos not ready* are what a render wrote before its record write failed; the render that finishes the photo writes the same keys. *Records nobody finished* are registrations whose client never learned of them (\`POST /uploads\` answered 500 after its write) or gave up on them; the pending ones carry the TTL that purges them. *Usage drift* compares each owner's \`USAGE\` item with its photo records.

The Lambdas' SDK clients retry with \`QuotaFreeRetryStrategy\` (src/adapters/aws/quota-free-retry-strategy.ts): what the SDK classifies as transient or throttling, 6 attempts in all, full-jitter backoff from 100 ms (250 ms after throttling) capped at 2 s, and no retry quota, where the SDK's standard strategy stops retrying once a client's 500 retry tokens are spent (14 a retry, 1 back for a first-try success), as they are under sustained faults. The event source stands in for Lambda's poller and keeps the SDK's defaults; its receives and deletes go through the SQS proxy too, so a receive answered 500 after it was carried out hides its messages until the visibility timeout and spends one of their 5 receives.`;

const pct = (n: number, of: number) => (of === 0 ? '0' : `${((100 * n) / of).toFixed(1)}%`);
const byStatus = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ') || '0';

/**
 * The results as Markdown: one column per phase, the targets of each round's
 * last phase, and the lists behind any number that should be 0.
 *
 * @example
 * console.log(render(phases, { header: 'bench:chaos on ...' }));
 */
export function render(
  phases: readonly PhaseResult[],
  judged: readonly PhaseResult[],
  header: string,
): string {
  const row = (name: string, cell: (p: PhaseResult) => string | number) =>
    `| ${name} | ${phases.map((p) => String(cell(p))).join(' | ')} |`;
  const stuckOf = (p: PhaseResult) =>
    `${byStatus(p.census.stuck)}${p.census.renditionsMissing ? ` + ${p.census.renditionsMissing} ready with a rendition missing` : ''}`;
  const faultsOf = (p: PhaseResult, s: 's3' | 'sqs' | 'dynamodb') => {
    const f = p.faults[s];
    return `${f.failedBefore + f.failedAfter} of ${f.calls} (${pct(f.failedBefore + f.failedAfter, f.calls)}; ${f.failedBefore} before, ${f.failedAfter} after)`;
  };
  const lines = [
    header,
    '',
    `| | ${phases.map((p) => p.label).join(' | ')} |`,
    `| --- | ${phases.map(() => '---').join(' | ')} |`,
    row('uploads ready', (p) => `**${p.census.ready}** / ${p.census.uploads}`),
    row('lost (no record or no original)', (p) => p.census.lost.length),
    row('stuck (not ready at the end)', stuckOf),
    row('duplicate objects', (p) => p.census.duplicateObjects.length),
    row('renditions of photos not ready', (p) => p.census.partialRenditions),
    row(
      'orphan objects (of them tagged pending)',
      (p) => `${p.census.orphanObjects.length} (${p.census.orphansTagged})`,
    ),
    row('DLQ', (p) => p.census.dlq),
    row('left in the queue', (p) => p.census.queueLeft),
    row('time', (p) => `${p.seconds.toFixed(0)} s${p.drained ? '' : ' (deadline: not drained)'}`),
    row('S3 faults', (p) => faultsOf(p, 's3')),
    row('SQS faults', (p) => faultsOf(p, 'sqs')),
    row('DynamoDB faults', (p) => faultsOf(p, 'dynamodb')),
    row('redriven from the DLQ', (p) => p.redriven ?? '-'),
    row('invocations (records)', (p) => `${p.source.invocations} (${p.source.records})`),
    row('records reported failed', (p) => p.source.recordsFailed),
    row('records received again', (p) => p.source.redeliveries),
    row('records by receive count (1st, 2nd, ...)', (p) =>
      Object.entries(p.source.byReceiveCount)
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, n]) => n)
        .join(' / '),
    ),
    row('instances killed mid-render / timed out', (p) => `${p.source.kills} / ${p.source.timeouts}`),
    row('cold starts', (p) => p.source.coldStarts),
    row('invocation ms: median / p95 / max', (p) =>
      [0.5, 0.95, 1].map((q) => quantile(p.source.durations, q).toFixed(0)).join(' / '),
    ),
    row('bench thread busy', (p) => pct(p.mainThreadBusy, 1)),
    row('poller receive / delete errors', (p) => `${p.source.receiveErrors} / ${p.source.deleteErrors}`),
    row('client: registrations (failed)', (p) =>
      p.clients
        ? `${p.clients.registerCalls} (${p.clients.registerFailures}: ${byStatus(p.clients.registerFailuresBy)})`
        : '-',
    ),
    row('client: PUTs (failed; 412 already stored)', (p) =>
      p.clients ? `${p.clients.putCalls} (${p.clients.putFailures}; ${p.clients.putsAlreadyStored})` : '-',
    ),
    row('client gave up (deadline) / uploads abandoned and aborted', (p) =>
      p.clients ? `${p.census.gaveUp} / ${p.clients.abortCalls}` : `${p.census.gaveUp} / -`,
    ),
    row('ready, original still tagged pending', (p) => p.census.acceptedStillTagged),
    row(
      'records nobody finished: pending with TTL / other',
      (p) => `${p.census.abandonedPendingWithTtl} / ${byStatus(p.census.otherRecords)}`,
    ),
    row(
      'usage drift: photos counted - records (owners off)',
      (p) =>
        `${p.census.usageDrift.photos > 0 ? '+' : ''}${p.census.usageDrift.photos} (${p.census.usageDrift.owners})`,
    ),
    row('records / objects', (p) => `${p.census.records} / ${p.census.objects}`),
    '',
    READING,
    '',
    '## Targets',
    '',
  ];
  for (const phase of judged) {
    const all = checks(phase);
    const missed = all.filter((c) => !c.met);
    lines.push(
      `- **${phase.label}: ${missed.length === 0 ? 'all targets met' : `MISSED ${missed.map((c) => c.name).join(', ')}`}** (${all.map((c) => `${c.name} ${c.met ? 'met' : 'MISSED'}: ${c.shows}`).join('; ')})`,
    );
  }
  const listed = phases.flatMap((p) => [
    ...p.census.lost.slice(0, 10).map((x) => `- ${p.label}: lost ${x}`),
    // A few stuck photos are a finding; hundreds (mid-outage) are the expected state.
    ...(Object.values(p.census.stuck).reduce((a, b) => a + b, 0) <= 20
      ? p.census.stuckPhotos.map((x) => `- ${p.label}: stuck ${x}`)
      : []),
    ...p.census.duplicateObjects.slice(0, 10).map((x) => `- ${p.label}: duplicate ${x}`),
    ...p.census.orphanObjects.slice(0, 10).map((x) => `- ${p.label}: orphan ${x}`),
    ...(p.census.dlq > 0 && p.census.dlq <= 20
      ? p.census.deadLetters.map((x) => `- ${p.label}: dead letter ${x}`)
      : []),
  ]);
  if (listed.length > 0) lines.push('', '## What is behind the numbers (first 10 of each)', '', ...listed);
  return `${lines.join('\n')}\n`;
}
