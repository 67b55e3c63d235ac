import { checkInteger, fail, invalidInstance, orInvalid } from '../internal/errors';
import { checkImage } from '../internal/names';

/** The HTTP method of a load-test request. */
export enum LoadTestMethod {
  /** `GET`, e.g. a health or metadata path. */
  GET = 'GET',
  /** `POST`, an inference request. */
  POST = 'POST',
}

/** Options for {@link LoadTest.hey}. */
export interface HeyLoadTestOptions {
  /**
   * The request path on the model.
   *
   * @default - the model's inference path (`model.inferPath`)
   */
  readonly path?: string;

  /**
   * The HTTP method.
   *
   * @default LoadTestMethod.POST
   */
  readonly method?: LoadTestMethod;

  /**
   * The request body, e.g. a small inference request in JSON. It is written
   * into the manifest: never put credentials in it.
   *
   * @default - no body
   */
  readonly body?: string;

  /**
   * The body's content type.
   *
   * @default 'application/json'
   */
  readonly contentType?: string;

  /**
   * Requests per second, all workers together.
   *
   * @default 10
   */
  readonly requestsPerSecond?: number;

  /**
   * Concurrent workers.
   *
   * @default 2
   */
  readonly concurrency?: number;

  /**
   * Flagger: the URL of Flagger's load tester, which runs the command.
   *
   * @default 'http://flagger-loadtester.test/'
   */
  readonly loadTesterUrl?: string;

  /**
   * Argo Rollouts: the image of the Job that runs `hey` (Flagger's load
   * tester image ships it).
   *
   * @default 'ghcr.io/fluxcd/flagger-loadtester:0.38.0'
   */
  readonly image?: string;
}

/** A resolved load test. */
export interface ResolvedLoadTest {
  readonly path?: string;
  readonly method: string;
  readonly body?: string;
  readonly contentType: string;
  readonly requestsPerSecond: number;
  readonly concurrency: number;
  readonly loadTesterUrl: string;
  readonly image: string;
}

export const DEFAULT_LOAD_TESTER_URL = 'http://flagger-loadtester.test/';
export const DEFAULT_LOAD_TEST_IMAGE = 'ghcr.io/fluxcd/flagger-loadtester:0.38.0';

const PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(;\s*[a-z0-9-]+=[A-Za-z0-9-]+)*$/;
// Bodies are sent as data, and must not smuggle credentials into a manifest.
const CREDENTIAL = /(api[_-]?key|secret|password|token|authorization|bearer)\s*["']?\s*[:=]/i;

/**
 * Traffic for a canary that would otherwise get none. Analysis halts (and
 * the rollout with it) when no request reaches the candidate, which is the
 * normal state of a model that scales to zero or is rarely called: a load
 * test sends a steady trickle of a typed request to the candidate during
 * the analysis. Flagger runs it through its load tester (a `rollout`
 * webhook running `hey`); Argo Rollouts as a Job metric in the analysis.
 *
 * @example
 * LoadTest.hey({ body: '{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}', requestsPerSecond: 5 })
 */
export class LoadTest {
  /**
   * `hey` sending one request description at a steady rate.
   *
   * @param options the request and its rate
   */
  public static hey(options: HeyLoadTestOptions = {}): LoadTest {
    return orInvalid(() => {
      const scope = 'LoadTest.hey';
      const o = options;
      if (o.path !== undefined && (typeof o.path !== 'string' || !PATH.test(o.path) || o.path.length > 1024)) {
        fail(scope, 'path', o.path, 'is not a valid request path', 'use an absolute path such as /v2/models/fraud/infer');
      }
      if (o.method !== undefined && !Object.values(LoadTestMethod).includes(o.method)) {
        fail(scope, 'method', o.method, 'is not supported', 'use LoadTestMethod.GET or LoadTestMethod.POST');
      }
      if (o.body !== undefined) {
        if (typeof o.body !== 'string' || o.body.length === 0 || o.body.length > 16384) {
          fail(scope, 'body', typeof o.body === 'string' ? `${o.body.length} characters` : o.body, 'is not a usable request body', 'give 1 to 16384 characters');
        }
        if (CREDENTIAL.test(o.body)) fail(scope, 'body', '<redacted>', 'looks like it holds a credential', 'load-test requests must not carry secrets');
        if (o.method === LoadTestMethod.GET) fail(scope, 'body', '<body>', 'is set on a GET request', 'use LoadTestMethod.POST');
      }
      if (o.contentType !== undefined && (typeof o.contentType !== 'string' || !CONTENT_TYPE.test(o.contentType))) {
        fail(scope, 'contentType', o.contentType, 'is not a valid media type', 'use e.g. application/json');
      }
      checkInteger(scope, 'requestsPerSecond', o.requestsPerSecond, 1, 1000);
      checkInteger(scope, 'concurrency', o.concurrency, 1, 100);
      if (o.loadTesterUrl !== undefined && (typeof o.loadTesterUrl !== 'string' || !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(o.loadTesterUrl))) {
        fail(scope, 'loadTesterUrl', o.loadTesterUrl, 'is not an http(s) URL', `use the load tester's Service URL, e.g. ${DEFAULT_LOAD_TESTER_URL}`);
      }
      if (o.image !== undefined) checkImage(scope, 'image', o.image);
      const concurrency = o.concurrency ?? 2;
      const rps = o.requestsPerSecond ?? 10;
      if (concurrency > rps) fail(scope, 'concurrency', concurrency, `is above requestsPerSecond (${rps})`, 'use at most one worker per request per second');
      return new LoadTest({
        path: o.path,
        method: o.method ?? LoadTestMethod.POST,
        body: o.body,
        contentType: o.contentType ?? 'application/json',
        requestsPerSecond: rps,
        concurrency,
        loadTesterUrl: o.loadTesterUrl ?? DEFAULT_LOAD_TESTER_URL,
        image: o.image ?? DEFAULT_LOAD_TEST_IMAGE,
      });
    }, (e) => invalidInstance(LoadTest.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedLoadTest) {}

  /** @internal */
  public _resolve(): ResolvedLoadTest {
    return this.resolved;
  }
}

/**
 * `hey`'s arguments for one run of `seconds` against `url`. hey's `-q` is a
 * rate per worker, so the total rate is split over the workers (rounded up).
 */
export function heyArgs(t: ResolvedLoadTest, url: string, seconds: number): string[] {
  const perWorker = Math.ceil(t.requestsPerSecond / t.concurrency);
  const args = ['-z', `${seconds}s`, '-q', String(perWorker), '-c', String(t.concurrency), '-m', t.method];
  if (t.body !== undefined) args.push('-T', t.contentType, '-d', t.body);
  args.push(url);
  return args;
}

/** The same as one shell command line (Flagger's load tester runs `sh -c`), each argument single-quoted. */
export function heyCommand(t: ResolvedLoadTest, url: string, seconds: number): string {
  return ['hey', ...heyArgs(t, url, seconds)].map((a) => (/^[A-Za-z0-9_.\/:=-]+$/.test(a) ? a : `'${a.replace(/'/g, '\'\\\'\'')}'`)).join(' ');
}
