import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Allows exactly `actions` on `resources` to `grantee`: for the photos bucket,
 * where CDK's `grantRead`/`grantPut`/`grantDelete` bring wildcard actions
 * (`s3:GetObject*`, `s3:DeleteObject*`, `s3:List*`...) that the app never calls,
 * some of which (`s3:DeleteObjectVersion`) would undo what versioning keeps.
 *
 * @example
 * allow(fn, ['s3:GetObject'], [bucket.arnForObjects('originals/*')]);
 */
export function allow(grantee: IGrantable, actions: string[], resources: string[]): void {
  Grant.addToPrincipal({ grantee, actions, resourceArns: resources });
}
