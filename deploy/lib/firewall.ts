import { Stack, Token } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** Options of {@link SiteFirewall}. */
export interface SiteFirewallProps {
  /** Requests one client IP may send in any 5 minutes before it is blocked (WAF takes 10 or more). */
  readonly rateLimit: number;
}

/** The rate limit of the WAF's rate-based rule, per IP and 5 minutes, when none is given. */
export const DEFAULT_WAF_RATE_LIMIT = 2000;

/**
 * A WAF web ACL for the CloudFront distribution: AWS's managed common rule set
 * (the OWASP-style basics) and a rate-based rule per client IP.
 *
 * A web ACL for CloudFront has the scope CLOUDFRONT and must be made in us-east-1,
 * so this construct refuses a stack in any other region: such a stack takes the ARN
 * of an ACL made there instead (`webAclArn`; docs/deploy.md shows the commands).
 *
 * The common rule set's SizeRestrictions_BODY blocks bodies over 8 KB; direct uploads
 * (`POST /photos`, up to 4 MiB) and the completion of a multipart upload (its part
 * list) are larger by design, so that one rule only counts. Its other body rules look
 * at the first 16 KB of a body, image bytes included.
 */
export class SiteFirewall extends Construct {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: SiteFirewallProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) || region !== 'us-east-1') {
      throw new Error(
        'a web ACL for CloudFront is made in us-east-1: deploy this stack with -c region=us-east-1, ' +
          'or make the ACL there and give its ARN as webAclArn',
      );
    }
    if (!Number.isInteger(props.rateLimit) || props.rateLimit < 10) {
      throw new Error(`the WAF rate limit is a whole number of requests, 10 or more, not ${props.rateLimit}`);
    }
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    this.webAcl = new CfnWebACL(this, 'Acl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('PixportSite'),
      rules: [
        {
          name: 'aws-common-rules',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('PixportCommonRules'),
        },
        {
          name: 'rate-per-ip',
          priority: 1,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('PixportRatePerIp'),
        },
      ],
    });
  }
}
