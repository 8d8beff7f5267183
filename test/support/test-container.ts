import { Container, ContainerModule } from 'inversify';
import type { InMemoryThumbnailQueueOptions } from '../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7-id-generator.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type { ImageProcessor } from '../../src/application/ports/image-processor.js';
import { defaultLimits, type Limits } from '../../src/domain/limits.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../src/domain/presets.js';
import { coreModule } from '../../src/entrypoints/composition/core-module.js';
import { memoryAdapters } from '../../src/entrypoints/composition/memory-module.js';
import { TOKENS as T } from '../../src/entrypoints/composition/tokens.js';
import { TEST_URL_SECRET } from './test-secret.js';

/** What a test controls in {@link testContainer}; everything else is wired as in the dev server. */
export interface TestContainerOptions {
  /** Replaces the system clock; ids are then made from this clock's time too. */
  readonly clock: Clock;
  /** Overrides of the default limits. */
  readonly limits?: Partial<Limits>;
  readonly settings?: RenditionSettings;
  /** Bound as the ImageProcessor; without one, GenerateThumbnail cannot be resolved. */
  readonly processor?: ImageProcessor;
  readonly queue?: InMemoryThumbnailQueueOptions;
  /** Lifetimes of signed GET URLs and upload targets, in seconds (the signer's default 900). */
  readonly getTtlSeconds?: number;
  readonly uploadTtlSeconds?: number;
  /** Refuse videos with this reason, as the Worker does (CoreConfig.videoRefusal). */
  readonly videoRefusal?: string;
}

/**
 * The real `coreModule` on `memoryAdapters`, as the dev server loads them,
 * with the test's clock (and an id generator on it) bound over the system
 * ones and its image processor bound where the dev server binds wasm-vips.
 * HMAC-signed URLs use {@link TEST_URL_SECRET} and are served under `/files`.
 *
 * @example
 * const container = testContainer({ clock: new ManualClock() });
 * const listGallery = container.get(TOKENS.ListGallery);
 */
export function testContainer(options: TestContainerOptions): Container {
  const { clock, processor } = options;
  const container = new Container();
  container.load(
    coreModule({
      limits: { ...defaultLimits, ...options.limits },
      renditions: options.settings ?? defaultRenditionSettings,
      ...(options.videoRefusal ? { videoRefusal: options.videoRefusal } : {}),
    }),
    memoryAdapters({
      urlSecret: TEST_URL_SECRET,
      filesBaseUrl: '/files',
      queue: options.queue,
      getTtlSeconds: options.getTtlSeconds,
      uploadTtlSeconds: options.uploadTtlSeconds,
    }),
    new ContainerModule(({ bind, rebind }) => {
      rebind(T.Clock).toConstantValue(clock);
      rebind(T.IdGenerator).toConstantValue(new UuidV7IdGenerator(() => clock.now().getTime()));
      if (processor) bind(T.ImageProcessor).toConstantValue(processor);
    }),
  );
  return container;
}
