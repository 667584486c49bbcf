// Registers a route from its shared contract: zod validation in, typed handler, zod-checked reply out.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AccordError } from '#shared/errors';
import type { BodyOf, ResponseOf, RouteContract } from '#shared/contract/route';
import type { AuthContext } from '../auth/authenticate.ts';

export interface HandlerInput<R extends RouteContract> {
  readonly body: BodyOf<R>;
  readonly query: R['query'] extends z.ZodType ? z.output<R['query']> : undefined;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

export interface AuthedInput<R extends RouteContract> extends HandlerInput<R> {
  readonly auth: AuthContext;
}

export type Authenticator = (request: FastifyRequest) => Promise<AuthContext>;

/** Keeps every registered contract so the 405 handler, docs and tests can enumerate them. */
export class RouteRegistry {
  readonly contracts: RouteContract[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticator: Authenticator,
  ) {}

  /** Methods registered for a concrete path (for 405 answers). */
  methodsFor(path: string): string[] {
    return this.contracts.filter((contract) => contract.path === path).map((contract) => contract.method);
  }

  public<R extends RouteContract>(
    contract: R,
    handler: (input: HandlerInput<R>) => Promise<ResponseOf<R>>,
  ): void {
    this.register(contract, async (request, reply) => handler(this.input(contract, request, reply)));
  }

  authed<R extends RouteContract>(
    contract: R,
    handler: (input: AuthedInput<R>) => Promise<ResponseOf<R>>,
  ): void {
    this.register(contract, async (request, reply) => {
      const auth = await this.authenticator(request);
      if (contract.auth === 'admin' && auth.role !== 'admin') {
        throw new AccordError('forbidden', 'Only administrators may do this.');
      }
      return handler({ ...this.input(contract, request, reply), auth });
    });
  }

  /**
   * A route with its own caller check (the integration API accepts personal access tokens as
   * well as sessions); everything else, validation included, is as for `authed`.
   */
  withAuthenticator<R extends RouteContract, C>(
    contract: R,
    authenticator: (request: FastifyRequest) => Promise<C>,
    handler: (input: HandlerInput<R> & { readonly auth: C }) => Promise<ResponseOf<R>>,
  ): void {
    this.register(contract, async (request, reply) => {
      const auth = await authenticator(request);
      return handler({ ...this.input(contract, request, reply), auth });
    });
  }

  private input<R extends RouteContract>(
    _contract: R,
    request: FastifyRequest,
    reply: FastifyReply,
  ): HandlerInput<R> {
    return {
      body: request.body as BodyOf<R>,
      query: request.query as HandlerInput<R>['query'],
      request,
      reply,
    };
  }

  private register(
    contract: RouteContract,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ): void {
    this.contracts.push(contract);
    const successStatus = Number(Object.keys(contract.responses)[0] ?? 200);
    this.app.route({
      method: contract.method,
      url: contract.path,
      schema: {
        ...(contract.body ? { body: contract.body } : {}),
        ...(contract.query ? { querystring: contract.query } : {}),
        ...(contract.stream ? {} : { response: contract.responses }),
      },
      handler: async (request, reply) => {
        const result = await handler(request, reply);
        if (contract.stream) return reply;
        return reply.code(successStatus).send(result);
      },
    });
  }
}
