import { describe, expect, it } from 'vitest';
import type { PixportStackProps } from '../../deploy/lib/pixport-stack.js';
import { synthesize } from './synth.js';

/**
 * cdk-nag's AwsSolutions pack over the synthesized stack, as `cdk synth` runs it: a
 * finding that is neither fixed nor acknowledged in deploy/lib/rule-pack.ts makes
 * the synth throw with the report, so each case passes only with 0 open findings.
 */
const variants: [string, PixportStackProps][] = [
  ['the default stack', {}],
  [
    'a custom domain, an existing issuer and an existing web ACL, without video',
    {
      domain: {
        domainName: 'photos.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/abc',
        hostedZone: { hostedZoneId: 'Z0123456789', zoneName: 'example.com' },
      },
      existingIssuer: { issuer: 'https://id.example.com/', audience: ['pixport'], clientId: 'pixport' },
      webAcl: { arn: 'arn:aws:wafv2:us-east-1:111111111111:global/webacl/pixport/abc' },
      ownerQuota: { maxPhotos: 1000 },
      video: false,
    },
  ],
  [
    'a web ACL made in us-east-1, without analysis',
    { env: { account: '111111111111', region: 'us-east-1' }, webAcl: { rateLimit: 1000 }, analysis: false },
  ],
];

describe("cdk-nag's AwsSolutions rule pack", () => {
  it.each(variants)('finds nothing open in %s', (_name, props) => {
    expect(() => synthesize(props, { bundle: false, rulePack: true })).not.toThrow();
  });

  it('acknowledges each finding that stands with a reason a reviewer can weigh', () => {
    const { stack } = synthesize({}, { bundle: false });
    const findings = stack.acknowledgedFindings;
    expect(findings.length).toBeGreaterThan(10);
    for (const finding of findings) {
      expect(finding.id, finding.path).toMatch(/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/);
      expect(finding.reason.length, `${finding.path} ${finding.id}`).toBeGreaterThanOrEqual(60);
    }
    // The same finding is not acknowledged twice on one construct.
    const keys = findings.map((f) => `${f.path} ${f.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    // Nothing about the data at rest or in transit is waved through: those are fixed.
    for (const fixed of ['S1', 'S10', 'SQS4', 'SNS3', 'APIG1', 'CFR3', 'DDB3']) {
      expect(findings.filter((f) => f.id.startsWith(`AwsSolutions-${fixed}`))).toEqual([]);
    }
  });

  it('fixes, rather than acknowledges, the TLS policy with a custom domain and the WAF when a web ACL is given', () => {
    const { stack } = synthesize(variants[1]?.[1] ?? {}, { bundle: false });
    const ids = stack.acknowledgedFindings.map((f) => f.id);
    expect(ids).not.toContain('AwsSolutions-CFR4');
    expect(ids).not.toContain('AwsSolutions-CFR2');
  });
});
