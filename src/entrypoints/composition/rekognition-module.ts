import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { ContainerModule } from 'inversify';
import { RekognitionImageAnalyzer } from '../../adapters/aws/rekognition-image-analyzer.js';
import type { AwsConfig } from './aws-config.js';
import type { AwsAdapterOptions } from './aws-module.js';
import { sdkClientOptions } from './sdk-client-options.js';
import { TOKENS as T } from './tokens.js';

/**
 * The ImageAnalyzer on Amazon Rekognition, for the analysis Lambda only (its own
 * module, so the other Lambdas bundle no Rekognition client). The SDK takes
 * `AWS_ENDPOINT_URL_REKOGNITION` from the environment, as the other clients do,
 * and the client retries and times out as they do (sdkClientOptions); `options`
 * as {@link awsAdapters}' (the Lambda passes Tracer's `captureAWSv3Client`).
 *
 * @example
 * container.load(coreModule(config), awsAdapters(config), wasmVipsImages(), rekognitionAnalyzer(config));
 */
export function rekognitionAnalyzer(
  config: Pick<AwsConfig, 'region' | 'bucket'>,
  options: AwsAdapterOptions = {},
): ContainerModule {
  const instrument = options.instrument ?? (<C>(client: C) => client);
  return new ContainerModule(({ bind }) => {
    bind(T.ImageAnalyzer)
      .toResolvedValue(
        () =>
          new RekognitionImageAnalyzer(
            instrument(
              new RekognitionClient({ region: config.region, ...sdkClientOptions(options.timeouts) }),
            ),
            { bucket: config.bucket },
          ),
      )
      .inSingletonScope();
  });
}
