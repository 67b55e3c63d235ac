import { IConstruct } from 'constructs';
import { ResolvedContainerSpec, resolveSideContainer } from './container';
import { checkInteger, fail } from '../../internal/errors';
import { millisOf, wholeSeconds } from '../../internal/units';
import { Batcher, InferenceComponent, PayloadLogger } from '../components';
import { ResolvedLogger, resolveLogger } from '../model-extensions';

/** The props of KServe's components around the predictor. */
export interface ComponentProps {
  readonly transformer?: InferenceComponent;
  readonly explainer?: InferenceComponent;
  readonly batcher?: Batcher;
  readonly logger?: PayloadLogger;
}

/** KServe's components around the predictor, resolved. */
export interface ResolvedComponents {
  readonly transformer?: ResolvedContainerSpec;
  readonly explainer?: ResolvedContainerSpec;
  readonly batcher?: { readonly maxBatchSize?: number; readonly maxLatencyMs?: number; readonly timeoutSeconds?: number };
  readonly logger?: ResolvedLogger;
}

/** Transformer, explainer, batcher and payload logger. */
export function resolveComponents(scope: IConstruct, p: ComponentProps): ResolvedComponents {
  return {
    transformer: resolveSideContainer(scope, 'transformer', p.transformer),
    explainer: resolveSideContainer(scope, 'explainer', p.explainer),
    batcher: p.batcher ? resolveBatcher(scope, p.batcher) : undefined,
    logger: p.logger ? resolveLogger(scope, p.logger) : undefined,
  };
}

function resolveBatcher(scope: IConstruct, b: Batcher) {
  checkInteger(scope, 'batcher.maxBatchSize', b.maxBatchSize, 1, 100000);
  const maxLatencyMs = b.maxLatency !== undefined ? millisOf(b.maxLatency) : undefined;
  if (maxLatencyMs !== undefined && (!Number.isInteger(maxLatencyMs) || maxLatencyMs < 1)) {
    fail(scope, 'batcher.maxLatency', `${maxLatencyMs}ms`, 'is not allowed', 'use at least 1 ms in whole milliseconds');
  }
  const timeoutSeconds = b.timeout === undefined ? undefined : wholeSeconds(scope, 'batcher.timeout', b.timeout, 1, 3600);
  return { maxBatchSize: b.maxBatchSize, maxLatencyMs, timeoutSeconds };
}
