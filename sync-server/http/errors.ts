// One error shape for every failure (DESIGN.md I6): {error:{code,message,field?}}, 4xx for bad input.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AccordError, type ErrorBody, type ErrorCode } from '#shared/errors';

const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  validation_failed: 400,
  invalid_value: 400,
  unknown_field: 400,
  clock_drift: 400,
  code_invalid: 400,
  code_expired: 400,
  weak_password: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  unauthenticated: 401,
  reauthentication_required: 401,
  invalid_credentials: 401,
  second_factor_required: 401,
  forbidden: 403,
  forbidden_field: 403,
  account_suspended: 403,
  account_pending_deletion: 403,
  email_not_verified: 403,
  insufficient_scope: 403,
  account_locked: 423,
  conflict: 409,
  rate_limited: 429,
  service_unavailable: 503,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return statusByCode[code];
}

const codeByStatus: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'service_unavailable',
};

function body(code: ErrorCode, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

export function sendError(reply: FastifyReply, error: AccordError): FastifyReply {
  return reply.code(statusOf(error.code)).send(error.toBody());
}

export function installErrorHandling(app: FastifyInstance, methodsFor: (path: string) => string[]): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AccordError) return sendError(reply, error);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const first = error.validation[0];
      const field = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined;
      const where = error.validationContext ?? 'request';
      const message = `${where}${field ? `.${field}` : ''}: ${first?.message ?? 'invalid'}`;
      return reply.code(400).send(body('validation_failed', message, field));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = codeByStatus[status] ?? 'bad_request';
      return reply.code(status).send(body(code, clientMessage(error, status)));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send(body('internal', 'Something went wrong on the server; nothing was changed.'));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = methodsFor(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(
          body('method_not_allowed', `${request.method} is not allowed here; use ${allowed.join(' or ')}.`),
        );
    }
    return reply.code(404).send(body('not_found', `No route ${request.method} ${path.slice(0, 200)}.`));
  });
}

/** Framework messages are safe to show (they never echo stored data); keep them short. */
function clientMessage(error: FastifyError, status: number): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is too large.';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Send the body as application/json.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not valid JSON.';
    default:
      if (error instanceof SyntaxError) return 'The body is not valid JSON.';
      if (status === 400 && /proto|constructor/i.test(error.message)) {
        return 'The body contains a forbidden key (__proto__ or constructor).';
      }
      return error.message.slice(0, 200);
  }
}

/**
 * Errors Fastify raises before routing (an undecodable URL, an over-long path parameter): the
 * same error shape as everything else instead of Fastify's own.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 414 : 400;
  const message =
    status === 414
      ? 'A part of the address is too long.'
      : 'The address is not valid (bad percent-encoding).';
  void reply.code(status).send(body('bad_request', message));
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers or address too large,
 * malformed request line): answered in the documented shape, then the connection is closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'The request headers (or the address) are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive.']
        : [400, 'The request is not valid HTTP.'];
  const payload = JSON.stringify(body('bad_request', message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${payload}`,
    );
  }
  socket.destroy();
}
