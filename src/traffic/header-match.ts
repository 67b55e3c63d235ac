import { Duration } from 'cdk8s';
import { checkNonEmpty, fail, invalidInstance, orInvalid } from '../internal/errors';
import { wholeSeconds } from '../internal/units';

/** A resolved header condition: exactly one of `exact` and `regex`. */
export interface ResolvedHeaderMatch {
  /** The header name, lower-case (HTTP header names are case-insensitive). */
  readonly name: string;
  readonly exact?: string;
  /** An RE2 regular expression (Flagger, Gateway API `RegularExpression`). */
  readonly regex?: string;
}

// RFC 7230 token characters: what an HTTP header name (and Gateway API's HTTPHeaderName) may hold.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const COOKIE_NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** Options for {@link HeaderMatch.exact}. */
export interface HeaderExactMatchOptions {
  /** The header name (case-insensitive). */
  readonly name: string;
  /** The value the header must have. */
  readonly value: string;
}

/** Options for {@link HeaderMatch.regex}. */
export interface HeaderRegexMatchOptions {
  /** The header name (case-insensitive). */
  readonly name: string;
  /** An RE2 regular expression the header's value must match. */
  readonly pattern: string;
}

/** Options for {@link HeaderMatch.cookie}. */
export interface CookieMatchOptions {
  /** The cookie name. */
  readonly name: string;
  /** The value the cookie must have. */
  readonly value: string;
}

/**
 * One request condition that sends a request to the candidate in a header
 * A/B test: a header with an exact value or a regular expression, or a
 * cookie. All conditions of an {@link AbTest} must hold.
 *
 * @example
 * HeaderMatch.exact({ name: 'x-customer-tier', value: 'beta' });
 * HeaderMatch.cookie({ name: 'canary', value: 'always' });
 */
export class HeaderMatch {
  /**
   * The header has exactly this value.
   *
   * @param options the header name and its value
   */
  public static exact(options: HeaderExactMatchOptions): HeaderMatch {
    return orInvalid(() => {
      const scope = 'HeaderMatch.exact';
      const { name, value } = options ?? ({} as HeaderExactMatchOptions);
      checkHeaderName(scope, name);
      checkValue(scope, 'value', value);
      return new HeaderMatch({ name: name.toLowerCase(), exact: value });
    }, (e) => invalidInstance(HeaderMatch.prototype, e, ['resolved']));
  }

  /**
   * The header matches an RE2 regular expression (Gateway API support for
   * regular expressions is implementation-specific).
   *
   * @param options the header name and the regular expression
   */
  public static regex(options: HeaderRegexMatchOptions): HeaderMatch {
    return orInvalid(() => {
      const scope = 'HeaderMatch.regex';
      const { name, pattern } = options ?? ({} as HeaderRegexMatchOptions);
      checkHeaderName(scope, name);
      checkValue(scope, 'pattern', pattern);
      try {
        new RegExp(pattern);
      } catch {
        fail(scope, 'pattern', pattern, 'is not a valid regular expression', 'use RE2 syntax (no look-arounds or back-references)');
      }
      return new HeaderMatch({ name: name.toLowerCase(), regex: pattern });
    }, (e) => invalidInstance(HeaderMatch.prototype, e, ['resolved']));
  }

  /**
   * The request carries the cookie `name=value`: a regular expression on the
   * `cookie` header, as Flagger's documentation writes it.
   *
   * @param options the cookie name and its value
   */
  public static cookie(options: CookieMatchOptions): HeaderMatch {
    return orInvalid(() => {
      const scope = 'HeaderMatch.cookie';
      const { name, value } = options ?? ({} as CookieMatchOptions);
      if (typeof name !== 'string' || !COOKIE_NAME.test(name)) fail(scope, 'name', name, 'is not a valid cookie name', 'use RFC 6265 token characters');
      if (typeof value !== 'string' || value === '' || !COOKIE_VALUE.test(value)) {
        fail(scope, 'value', value, 'is not a valid cookie value', 'use RFC 6265 cookie-octets (no spaces, quotes, commas, semicolons or backslashes)');
      }
      return new HeaderMatch({ name: 'cookie', regex: `^(.*?;\\s*)?(${escapeRegex(name)}=${escapeRegex(value)})(;.*)?$` });
    }, (e) => invalidInstance(HeaderMatch.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedHeaderMatch) {}

  /** The header name (lower-case). */
  public get headerName(): string {
    return this.resolved.name;
  }

  /** @internal */
  public _resolve(): ResolvedHeaderMatch {
    return this.resolved;
  }
}

/** Options for {@link AbTest.headers}. */
export interface AbTestOptions {
  /** Requests that meet every condition go to the candidate; the rest stay on the stable model. */
  readonly matches: HeaderMatch[];

  /**
   * How long the candidate takes the matching requests (and is analysed)
   * before it is promoted. A whole number of the rollout's step intervals.
   *
   * @default - 10 step intervals
   */
  readonly duration?: Duration;
}

/** A resolved A/B test. */
export interface ResolvedAbTest {
  readonly matches: ResolvedHeaderMatch[];
  readonly durationSeconds?: number;
}

/**
 * A header (or cookie) A/B test: instead of weight steps, requests that
 * match go to the candidate for a while, with the same analysis and
 * rollback, then the candidate is promoted. Needs a traffic router that
 * matches headers: Flagger's `analysis.match` or Argo Rollouts'
 * `setHeaderRoute`, both with `TrafficRouter.gatewayApi()`.
 *
 * @example
 * AbTest.headers({ matches: [HeaderMatch.exact({ name: 'x-customer-tier', value: 'beta' })], duration: Duration.hours(2) });
 */
export class AbTest {
  /**
   * Sends requests that match every condition to the candidate.
   *
   * @param options the conditions and how long the test runs
   */
  public static headers(options: AbTestOptions): AbTest {
    return orInvalid(() => {
      const scope = 'AbTest.headers';
      const matches = options?.matches;
      if (!Array.isArray(matches) || matches.length === 0) {
        fail(scope, 'matches', matches, 'is empty', 'give at least one HeaderMatch, e.g. HeaderMatch.exact({ name: "x-customer-tier", value: "beta" })');
      }
      if (matches.length > 16) fail(scope, 'matches', matches.length, 'lists too many conditions', 'use at most 16 (Gateway API header matches per rule)');
      const resolved = matches.map((m, i) => {
        if (!(m instanceof HeaderMatch)) fail(scope, `matches[${i}]`, m, 'is not a HeaderMatch', 'use HeaderMatch.exact, regex or cookie');
        return m._resolve();
      });
      const names = resolved.map((m) => m.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      // One header can be matched once per rule (Gateway API: header names are unique within a match; Flagger keys them by name).
      if (dup !== undefined) fail(scope, 'matches', dup, 'is matched twice', 'combine the conditions on one header into one regular expression');
      let durationSeconds: number | undefined;
      if (options.duration !== undefined) {
        durationSeconds = wholeSeconds(scope, 'duration', options.duration, 60, 7 * 86400, '1 minute to 7 days');
      }
      return new AbTest({ matches: resolved, durationSeconds });
    }, (e) => invalidInstance(AbTest.prototype, e, ['resolved']));
  }

  private constructor(private readonly resolved: ResolvedAbTest) {}

  /** @internal */
  public _resolve(): ResolvedAbTest {
    return this.resolved;
  }
}

function checkHeaderName(scope: string, name: string): void {
  if (typeof name !== 'string' || !HEADER_NAME.test(name) || name.length > 256) {
    fail(scope, 'name', name, 'is not a valid HTTP header name', 'use at most 256 token characters (letters, digits and !#$%&\'*+-.^_`|~)');
  }
}

function checkValue(scope: string, prop: string, value: string): void {
  checkNonEmpty(scope, prop, value);
  if (value === undefined) fail(scope, prop, value, 'is missing', 'give a non-empty string');
  if (value.length > 4096) fail(scope, prop, `${value.slice(0, 20)}...`, 'is too long', 'use at most 4096 characters (Gateway API limit)');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
