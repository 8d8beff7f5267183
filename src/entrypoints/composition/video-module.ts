import { ContainerModule } from 'inversify';
import {
  FfmpegVideoTranscoder,
  type FfmpegVideoTranscoderConfig,
} from '../../adapters/video/ffmpeg-video-transcoder.js';
import {
  MediabunnyMediaProbe,
  type MediabunnyMediaProbeOptions,
} from '../../adapters/video/mediabunny-media-probe.js';
import { TOKENS as T } from './tokens.js';

/** What the dev server's video adapters are given. */
export interface FfmpegVideosConfig {
  readonly transcoder: FfmpegVideoTranscoderConfig;
  readonly probe?: MediabunnyMediaProbeOptions;
}

/**
 * The video adapters of Node: the mediabunny MediaProbe and the ffmpeg
 * VideoTranscoder, which reads originals from the BlobStore, stores its
 * outputs there and hands its completions to the VideoTranscodeSink (the
 * memory module's completion queue). Its own module, as wasm-vips has its own,
 * so that the Worker never reaches a child process.
 *
 * @example
 * container.load(coreModule(config), memoryAdapters({ ..., video: {} }), ffmpegVideos({ transcoder: { ffmpegPath } }));
 */
export function ffmpegVideos(config: FfmpegVideosConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(T.MediaProbe).toConstantValue(new MediabunnyMediaProbe(config.probe));
    bind(T.FfmpegVideoTranscoder)
      .toResolvedValue(
        (store, sink, probe) => new FfmpegVideoTranscoder({ store, sink, probe }, config.transcoder),
        [T.BlobStore, T.VideoTranscodeSink, T.MediaProbe],
      )
      .inSingletonScope();
    bind(T.VideoTranscoder).toService(T.FfmpegVideoTranscoder);
  });
}
