import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { AppError } from '../../domain/app-error.js';

/** The one request body size limit, for every route and the verification fast path. */
export const BODY_LIMIT = 1_048_576;

/**
 * The one body reader: Fastify's content-type parsers and the verification fast path both read bodies here, so
 * both refuse the same sizes the same way. A declared length over the limit is refused before reading; past
 * the limit while reading, the listeners are detached and PAYLOAD_TOO_LARGE is raised, as Fastify does:
 * destroying the request would reset the connection before the client could read the 413.
 */
export function readBody(stream: Readable, headers: IncomingHttpHeaders): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(headers['content-length']);
    if (declared > BODY_LIMIT) {
      reject(new AppError('PAYLOAD_TOO_LARGE'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > BODY_LIMIT) {
        detach();
        reject(new AppError('PAYLOAD_TOO_LARGE'));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      detach();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
