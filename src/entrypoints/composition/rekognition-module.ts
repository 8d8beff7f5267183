import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { ContainerModule } from 'inversify';
import { RekognitionImageAnalyzer } from '../../adapters/aws/rekognition-image-analyzer.js';
import type { AwsConfig } from './aws-config.js';
import { TOKENS as T } from './tokens.js';

/**
 * The ImageAnalyzer on Amazon Rekognition, for the analysis Lambda only (its own
 * module, so the other Lambdas bundle no Rekognition client). The SDK takes
 * `AWS_ENDPOINT_URL_REKOGNITION` from the environment, as the other clients do.
 *
 * @example
 * container.load(coreModule(config), awsAdapters(config), wasmVipsImages(), rekognitionAnalyzer(config));
 */
export function rekognitionAnalyzer(config: Pick<AwsConfig, 'region' | 'bucket'>): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(T.ImageAnalyzer)
      .toResolvedValue(
        () =>
          new RekognitionImageAnalyzer(new RekognitionClient({ region: config.region }), {
            bucket: config.bucket,
          }),
      )
      .inSingletonScope();
  });
}
