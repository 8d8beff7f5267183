import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Runs one invocation inside its own X-Ray subsegment (`## handler`), annotated
 * with the cold start and the service name, with an error recorded on it; the
 * AWS SDK calls made meanwhile become subsegments of it (the clients are wrapped
 * with `tracer.captureAWSv3Client` in the composition). Outside Lambda, or with
 * tracing off, it only runs `invoke`.
 *
 * @example
 * export const handler = (event, context) => traced(tracer, () => serve(event, context));
 */
export async function traced<T>(tracer: Tracer, invoke: () => Promise<T>): Promise<T> {
  if (!tracer.isTracingEnabled()) return invoke();
  const segment = tracer.getSegment();
  if (!segment) return invoke();
  const subsegment = segment.addNewSubsegment('## handler');
  tracer.setSegment(subsegment);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  try {
    return await invoke();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(segment);
  }
}
