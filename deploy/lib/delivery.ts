import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AaaaRecord, ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { REPO_ROOT } from './node-lambda.js';

/** The path prefix under which the site reaches the API. */
export const API_BASE = '/api';

/**
 * Browser modules the page imports from `vendor/` (its import map in web/index.html),
 * by file name, as the package resolves them: the ThumbHash decoder and the OIDC
 * client (oauth4webapi's ESM build, which has no dependencies). The dev server serves
 * the same files straight from node_modules; the deployed page gets copies beside it.
 */
const VENDOR_MODULES: Record<string, string> = {
  'thumbhash.js': 'thumbhash/thumbhash.js',
  'oauth4webapi.js': 'oauth4webapi',
};

/** A custom domain for the site; the certificate must be in us-east-1 (CloudFront's rule). */
export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
  /** When given, an A and an AAAA alias record for `domainName` are created in this zone. */
  readonly hostedZone?: { readonly hostedZoneId: string; readonly zoneName: string };
}

/** Options of {@link Delivery}. */
export interface DeliveryProps {
  readonly web: Bucket;
  readonly api: HttpApi;
  /** The page's config.json: where the API is and how to sign in. */
  readonly pageConfig: Record<string, unknown>;
  readonly domain?: CustomDomain;
  /** Where CloudFront's standard logs go (under `logPrefix`). */
  readonly logs: Bucket;
  readonly logPrefix: string;
  /** A WAF web ACL (scope CLOUDFRONT, so made in us-east-1) in front of the distribution: its ARN. */
  readonly webAclArn?: string;
}

/**
 * One origin for the page and the API: CloudFront serves web/ from a private bucket
 * through origin access control, and sends `/api/*` to the HTTP API, uncached, with
 * the `/api` prefix cut off by a CloudFront Function. Cutting it at the edge keeps
 * the API's own routes (and its direct URL) free of a prefix that only the site needs.
 */
export class Delivery extends Construct {
  readonly distribution: Distribution;
  /** `https://` plus the custom domain, or the distribution's own domain. */
  readonly siteUrl: string;
  /** The site's own domain, when it has one. */
  readonly customDomain: CustomDomain | undefined;
  /** The WAF web ACL in front of the distribution, when there is one. */
  readonly webAclArn: string | undefined;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const stripApiBase = new CloudFrontFunction(this, 'Strip Api Base', {
      runtime: FunctionRuntime.JS_2_0,
      comment: `Removes the ${API_BASE} prefix before a request reaches the HTTP API`,
      code: FunctionCode.fromInline(
        [
          'function handler(event) {',
          '  var request = event.request;',
          `  request.uri = request.uri.slice(${API_BASE.length}) || '/';`,
          '  return request;',
          '}',
        ].join('\n'),
      ),
    });

    // The API's own domain, from its id: api.apiEndpoint would do, but this reads plainly.
    const apiDomain = `${props.api.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    const domain = props.domain;
    this.customDomain = domain;
    this.webAclArn = props.webAclArn;
    this.distribution = new Distribution(this, 'Site', {
      comment: 'Pixport: gallery page and API',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(domain
        ? {
            domainNames: [domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
            // With a certificate of its own the distribution can refuse old TLS; on the
            // *.cloudfront.net name CloudFront decides (TLSv1 allowed), see docs/deploy.md.
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      // Standard logging (one line per request, to S3 within minutes), without cookies: the
      // site sets none, and a cookie is nobody's business in a log.
      enableLogging: true,
      logBucket: props.logs,
      logFilePrefix: props.logPrefix,
      logIncludesCookies: false,
      ...(props.webAclArn ? { webAclId: props.webAclArn } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(props.web),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
        compress: true,
      },
      additionalBehaviors: {
        [`${API_BASE}/*`]: {
          origin: new HttpOrigin(apiDomain, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Everything the viewer sent (Authorization included) but Host, which must name the API.
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          functionAssociations: [{ function: stripApiBase, eventType: FunctionEventType.VIEWER_REQUEST }],
        },
      },
    });
    this.siteUrl = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;

    if (domain?.hostedZone) {
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', domain.hostedZone);
      const target = RecordTarget.fromAlias(new CloudFrontTarget(this.distribution));
      new ARecord(this, 'Alias', { zone, recordName: domain.domainName, target });
      new AaaaRecord(this, 'Alias6', { zone, recordName: domain.domainName, target });
    }

    const fromRepo = createRequire(join(REPO_ROOT, 'package.json'));
    new BucketDeployment(this, 'Page', {
      destinationBucket: props.web,
      sources: [
        Source.asset(join(REPO_ROOT, 'web'), { exclude: ['config.json', 'tsconfig.json', '*.test.*', '.*'] }),
        Source.jsonData('config.json', props.pageConfig),
        ...Object.entries(VENDOR_MODULES).map(([name, id]) =>
          Source.data(`vendor/${name}`, readFileSync(fromRepo.resolve(id), 'utf8')),
        ),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
  }
}
