import * as z from 'zod';
import { MAX_PAGE_SIZE } from '../../application/use-cases/list-gallery.js';
import { MAX_PARTS, MAX_PARTS_PER_SIGNING } from '../../domain/multipart-plan.js';

/**
 * The wire contract, as zod schemas: requests are validated with them and the
 * OpenAPI document is generated from them, so the two cannot drift apart.
 */

// The domain's filename rule (checkFilename) as a pattern, so the document states it:
// after trimming white space, something is left, with no control characters or slashes.
const UNSAFE = String.raw`\u0000-\u001f\u007f/\\`;
const FILENAME = new RegExp(String.raw`^\s*[^\s${UNSAFE}](?:[^${UNSAFE}]*[^\s${UNSAFE}])?\s*$`);

/** A display filename: 1-255 characters, not only white space, no control characters or slashes inside. */
export const Filename = z
  .string()
  .min(1)
  .max(255)
  .regex(FILENAME, 'must not be blank or contain control characters or slashes')
  .describe('Display name of the file; never used in a storage key.');

export const RegisterUploadBody = z.strictObject({
  filename: Filename,
  contentType: z
    .string()
    .min(1)
    .max(100)
    .describe(
      'Declared media type, one of the listed ones; any other is a 415. The stored type is sniffed from the bytes.',
    ),
  size: z
    .int()
    .min(1)
    .describe('Exact size of the file in bytes; the upload target accepts exactly this many.'),
});

export const ListPhotosQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .optional()
    .describe(`Photos per page, 1-${MAX_PAGE_SIZE}; 24 when absent.`),
  cursor: z.string().min(1).max(512).optional().describe('The `nextCursor` of the previous page.'),
  label: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Only photos with this label (any case), e.g. `Dog`. A cursor belongs to its listing: one from a label list is refused (400) by the plain list or another label, and the reverse.',
    ),
});

export const PhotoIdParam = z.object({ id: z.string().describe('A photo id (UUIDv7).') });

export const Rendition = z.object({
  preset: z.string(),
  width: z.int(),
  height: z.int(),
  format: z.enum(['webp', 'avif', 'jpeg']),
  size: z.int().describe('Bytes.'),
});

export const LabelJson = z.object({
  name: z.string().describe("Rekognition's label name, e.g. `Dog`."),
  confidence: z.number().describe('0-100.'),
  parents: z.array(z.string()).describe('Ancestors in the label hierarchy, e.g. `Animal`, `Pet`.'),
});

export const ModerationJson = z
  .object({
    verdict: z
      .enum(['allow', 'review', 'block'])
      .describe("The deployment's moderation policy applied to the labels."),
    labels: z.array(
      z.object({
        name: z.string(),
        parent: z.string().describe('The label one level up; empty at level 1.'),
        confidence: z.number(),
        taxonomyLevel: z.int().min(1).max(3),
      }),
    ),
    modelVersion: z.string(),
  })
  .describe("Moderation labels in Rekognition's taxonomy, and the verdict.");

export const PhotoJson = z.object({
  id: z.string(),
  kind: z
    .enum(['photo', 'video'])
    .describe(
      "A photo, or a video: a video's `renditions` and `placeholder` are its poster frame's, and `urls.video.mp4` its MP4 once ready.",
    ),
  filename: z.string(),
  contentType: z.string().describe('Sniffed from the bytes once they have landed; the declared type before.'),
  size: z.int(),
  status: z
    .enum(['pending', 'processing', 'ready', 'failed', 'rejected'])
    .describe('`rejected`: moderation blocked it; `failure` says why and nothing of it is served.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  width: z
    .int()
    .optional()
    .describe("Display width, after EXIF orientation (a video: the container's rotation)."),
  height: z
    .int()
    .optional()
    .describe("Display height, after EXIF orientation (a video: the container's rotation)."),
  durationMs: z
    .int()
    .optional()
    .describe("A video's length in milliseconds: the original's once probed, the MP4's once ready."),
  failure: z.object({ code: z.string(), message: z.string() }).optional(),
  placeholder: z.string().optional().describe('ThumbHash of the smallest rendition, base64.'),
  renditions: z.array(Rendition).optional(),
  labels: z
    .array(LabelJson)
    .optional()
    .describe('What the analyser saw, most confident first (at most 10); absent until analysed.'),
  moderation: ModerationJson.optional(),
  analysis: z
    .object({ status: z.enum(['done', 'failed']), reason: z.string().optional() })
    .optional()
    .describe('Whether analysis ran; `failed` with a reason when the image could not be analysed.'),
  urls: z
    .object({
      original: z.string(),
      thumbnails: z.record(z.string(), z.string()).describe('Signed URL per preset.'),
      video: z
        .object({
          mp4: z
            .string()
            .describe(
              'Signed URL of the MP4 (H.264 + AAC, plays while it downloads; `Range` requests seek).',
            ),
        })
        .optional()
        .describe('A ready video only.'),
    })
    .optional()
    .describe('Signed, short-lived URLs; present when ready.'),
});

export const UploadTargetJson = z
  .object({
    method: z.enum(['PUT', 'POST']),
    url: z.string().describe('Absolute, or relative to the API origin.'),
    headers: z.record(z.string(), z.string()).optional().describe('Send these headers with a PUT.'),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .describe('Send these form fields before the file with a POST.'),
    expiresAt: z.iso.datetime(),
  })
  .describe(
    'Where to send the bytes, once. Sending the same bytes again is harmless; a Pixport `/files` target refuses other bytes with 409 `upload-already-received`.',
  );

export const MultipartTargetJson = z
  .object({
    method: z.literal('MULTIPART'),
    partSize: z.int().describe('Bytes of every part but the last, which holds the rest.'),
    partCount: z.int().describe('Parts, numbered from 1.'),
    expiresAt: z.iso
      .datetime()
      .describe('When the upload expires unless it is resumed (parts signed, status asked).'),
  })
  .describe(
    'The file goes in parts: ask for part URLs (`POST /uploads/{id}/parts`), PUT each part, keep the `ETag` each PUT answers with, then `POST /uploads/{id}/complete`.',
  );

const UploadJson = z.union([UploadTargetJson, MultipartTargetJson]);

export const RegisterUploadResponse = z.object({
  photo: PhotoJson,
  upload: UploadJson.describe('Over the multipart threshold a multipart upload, else one PUT or POST.'),
});

const PartNumber = z.int().min(1).max(MAX_PARTS);

export const SignPartsBody = z.strictObject({
  partNumbers: z
    .array(PartNumber)
    .min(1)
    .max(MAX_PARTS_PER_SIGNING)
    .describe(`Parts to sign, ${MAX_PARTS_PER_SIGNING} at most, each from 1 to the upload's \`partCount\`.`),
});

export const SignedPartJson = z.object({
  partNumber: z.int(),
  url: z.string().describe('PUT exactly this part’s bytes here; the answer is 200 with an `ETag` header.'),
  headers: z.record(z.string(), z.string()).optional().describe('Send these headers with the PUT.'),
});

export const SignedPartsResponse = z.object({
  parts: z.array(SignedPartJson),
  expiresAt: z.iso.datetime().describe('When these URLs stop working; ask again for fresh ones.'),
});

export const ReceivedPartJson = z.object({
  partNumber: z.int(),
  etag: z.string().describe('As the part’s PUT answered it, quotes included.'),
  size: z.int().describe('Bytes.'),
});

export const UploadStatusResponse = z.object({
  photo: PhotoJson,
  upload: UploadJson.optional().describe(
    'How to send the bytes: the multipart upload, or a fresh target for the whole file. Absent once they have landed.',
  ),
  receivedParts: z
    .array(ReceivedPartJson)
    .describe('Parts storage holds, by part number: send the others, then complete.'),
});

export const CompleteUploadBody = z.strictObject({
  parts: z
    .array(
      z.strictObject({
        partNumber: PartNumber,
        etag: z.string().min(1).max(256).describe('The `ETag` the part’s PUT answered with.'),
      }),
    )
    .min(1)
    .max(MAX_PARTS)
    .describe('Every part from 1 to `partCount`, each once, in any order.'),
});
export const UploadPhotoResponse = z.object({ photo: PhotoJson });
export const PhotoPageJson = z.object({
  items: z.array(PhotoJson),
  nextCursor: z.string().optional().describe('Absent on the last page.'),
});

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string().describe('Stable machine-readable code.'),
  field: z.string().optional().describe('The offending input field, when there is one.'),
  partNumber: z.int().optional().describe('The part at fault, when completing a multipart upload.'),
  requestId: z.string().optional(),
});

export type PhotoJson = z.infer<typeof PhotoJson>;
