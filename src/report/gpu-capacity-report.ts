import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { fail } from '../internal/errors';
import { ensureUniqueIdentities } from '../internal/identity';
import { checkProps } from '../internal/prop-types';
import { LlmService } from '../llm-service/llm-service';
import { ServedModel } from '../model/served-model';
import { knativeFlagsOf } from '../scheduling/knative-features';

/** One model's accelerator demand. */
export interface GpuCapacityEntry {
  /** The model's construct path. */
  readonly path: string;
  /** The model's resource name. */
  readonly name: string;
  /**
   * The model's namespace.
   *
   * @default - none
   */
  readonly namespace?: string;
  /** The serving platform id. */
  readonly platform: string;
  /** GPU product / MIG profile / resource the demand is counted in. */
  readonly capacityKey: string;
  /** The extended resource requested, e.g. `nvidia.com/mig-1g.10gb`. */
  readonly resourceName: string;
  /** Devices per replica. */
  readonly devicesPerReplica: number;
  /** Replicas at minimum scale (0 for scale-to-zero). */
  readonly minReplicas: number;
  /**
   * Replicas at maximum scale.
   *
   * @default - unbounded
   */
  readonly maxReplicas?: number;
  /** Devices at minimum scale. */
  readonly minDevices: number;
  /**
   * Devices at maximum scale.
   *
   * @default - unbounded
   */
  readonly maxDevices?: number;
  /**
   * Nodes at maximum scale, when the pool says how many GPUs a node holds (whole GPUs only).
   *
   * @default - unknown
   */
  readonly maxNodes?: number;
  /** Knative `config-features` flags the model needs (empty off Knative). */
  readonly knativeFlags: string[];
  /**
   * During a canary rollout: `stable` or `candidate` (both run at once, and
   * both are counted; the candidate's entry carries the rollout's path).
   *
   * @default - no rollout: the model's only version
   */
  readonly rolloutRole?: string;
  /**
   * The role of an LLM service's pods: `server`, `decode`, `prefill`, or `<role>-workers` for the
   * worker pods of multi-node replicas (one entry per role).
   *
   * @default - a ServedModel (one role)
   */
  readonly role?: string;
}

/** Demand summed per GPU product / MIG profile. */
export interface GpuCapacityTotal {
  /** GPU product / MIG profile / resource. */
  readonly capacityKey: string;
  /** The extended resource. */
  readonly resourceName: string;
  /** Devices with every model at minimum scale. */
  readonly minDevices: number;
  /**
   * Devices with every model at maximum scale.
   *
   * @default - unbounded (a model has no maxReplicas)
   */
  readonly maxDevices?: number;
  /** Models counted (a rollout's stable and candidate count as one). */
  readonly models: number;
}

/** Props of {@link GpuCapacityReport}. */
export interface GpuCapacityReportProps {
  /**
   * Base name of the files written into the app's outdir (`<name>.md`, `<name>.json`).
   *
   * @default 'gpu-capacity'
   */
  readonly fileName?: string;

  /**
   * Whether to write the files when the app synthesizes.
   *
   * @default true
   */
  readonly writeFiles?: boolean;
}

/**
 * The GPUs every model of the app requests at minimum and at maximum scale,
 * per GPU product / MIG profile: what a platform team must have (or let the
 * autoscaler buy) before deploying.
 *
 * The files `gpu-capacity.md` and `gpu-capacity.json` are written next to
 * the YAML when the app synthesizes: cdk8s has no post-synth hook, so the
 * report writes them from its validation, which `App.synth()` runs after
 * creating the outdir (and `chart.toJson()` also runs). Content is
 * deterministic; `toMarkdown()` / `toJson()` give the same without files.
 *
 * @example
 * new GpuCapacityReport(app, 'gpu-capacity');
 */
export class GpuCapacityReport extends Construct {
  private readonly fileName: string;

  constructor(scope: Construct, id: string, props: GpuCapacityReportProps = {}) {
    super(scope, id);
    ensureUniqueIdentities(this);
    checkProps(this, props, { fileName: 'string', writeFiles: 'boolean' }, [], 'GpuCapacityReportProps, e.g. { fileName }');
    this.fileName = props.fileName ?? 'gpu-capacity';
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(this.fileName)) {
      fail(this, 'fileName', this.fileName, 'is not a plain file name', 'use letters, digits, ".", "_" and "-", without a directory');
    }
    if (props.writeFiles ?? true) {
      this.node.addValidation({
        validate: () => {
          this.writeTo(App.of(this).outdir);
          return [];
        },
      });
    }
  }

  /** Every model with an accelerator, sorted by path. */
  public get entries(): GpuCapacityEntry[] {
    return collect(this);
  }

  /** Demand per GPU product / MIG profile, sorted by key. */
  public get totals(): GpuCapacityTotal[] {
    const byKey = new Map<string, { resourceName: string; min: number; max?: number; unbounded: boolean; models: Set<string> }>();
    for (const e of this.entries) {
      const t = byKey.get(e.capacityKey) ?? { resourceName: e.resourceName, min: 0, max: 0, unbounded: false, models: new Set<string>() };
      t.min += e.minDevices;
      if (e.maxDevices === undefined) t.unbounded = true;
      else t.max = (t.max ?? 0) + e.maxDevices;
      // A rollout's stable and candidate entries are one model; so are an LLM service's roles.
      t.models.add(`${e.namespace ?? ''}/${e.name}`);
      byKey.set(e.capacityKey, t);
    }
    return [...byKey.keys()].sort().map((k) => {
      const t = byKey.get(k)!;
      return { capacityKey: k, resourceName: t.resourceName, minDevices: t.min, maxDevices: t.unbounded ? undefined : t.max, models: t.models.size };
    });
  }

  /**
   * The report as a JSON object: `models` and `totals` (stable key order;
   * `null` for an unbounded maximum), as written to `<fileName>.json`.
   */
  public toJson(): any {
    const strip = (o: object) => JSON.parse(JSON.stringify(o));
    return {
      models: this.entries.map((e) => strip({ ...e, maxReplicas: e.maxReplicas ?? null, maxDevices: e.maxDevices ?? null })),
      totals: this.totals.map((t) => strip({ ...t, maxDevices: t.maxDevices ?? null })),
    };
  }

  /** The report as Markdown. */
  public toMarkdown(): string {
    const entries = this.entries;
    const lines = ['# GPU capacity', ''];
    if (entries.length === 0) {
      lines.push('No model in this app requests an accelerator.', '');
      return lines.join('\n');
    }
    const max = (n: number | undefined) => (n === undefined ? 'unbounded' : String(n));
    lines.push('Devices each model requests at minimum and at maximum scale. "unbounded" means the model has no maxReplicas:',
      'set one, or make sure the cluster autoscaler has a limit.', '');
    lines.push('## Totals', '', '| GPU / MIG profile | resource | models | at minimum scale | at maximum scale |', '| --- | --- | ---: | ---: | ---: |');
    for (const t of this.totals) lines.push(`| ${t.capacityKey} | \`${t.resourceName}\` | ${t.models} | ${t.minDevices} | ${max(t.maxDevices)} |`);
    lines.push('', '## Models', '',
      '| model | namespace | platform | GPU / MIG profile | per replica | replicas | devices at min | devices at max | nodes at max | Knative flags |',
      '| --- | --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- |');
    for (const e of entries) {
      const role = [e.rolloutRole, e.role ? `[${e.role}]` : undefined].filter((x) => x).map((x) => ` ${x}`).join('');
      lines.push(`| ${e.name}${role} (\`${e.path}\`) | ${e.namespace ?? '-'} | ${e.platform} | ${e.capacityKey} | ${e.devicesPerReplica} x \`${e.resourceName}\` `
        + `| ${e.minReplicas}-${max(e.maxReplicas)} | ${e.minDevices} | ${max(e.maxDevices)} | ${e.maxNodes ?? '-'} | ${e.knativeFlags.join(', ') || '-'} |`);
    }
    lines.push('');
    return lines.join('\n');
  }

  /**
   * Writes `<fileName>.md` and `<fileName>.json` into `dir`.
   *
   * @param dir the folder to write `gpu-capacity.md` and `gpu-capacity.json` into
   */
  public writeTo(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${this.fileName}.md`), this.toMarkdown());
    fs.writeFileSync(path.join(dir, `${this.fileName}.json`), JSON.stringify(this.toJson(), undefined, 2) + '\n');
  }
}

function collect(scope: IConstruct): GpuCapacityEntry[] {
  const models = scope.node.root.node.findAll().filter((c): c is ServedModel => c instanceof ServedModel);
  const out: GpuCapacityEntry[] = [];
  for (const model of models) {
    const knativeFlags = knativeFlagsOf(model);
    for (const version of model._runningVersions()) {
      const spec = version.spec;
      const acc = spec.accelerator;
      if (!acc) continue;
      const per = acc.deviceCount;
      const { minReplicas, maxReplicas } = spec.scaling;
      const perNode = acc.kind === 'gpu' && spec.gpusPerNode ? Math.floor(spec.gpusPerNode / per) : undefined;
      out.push({
        path: version.scope.node.path,
        name: spec.name,
        namespace: spec.namespace,
        platform: model.platform.id,
        capacityKey: acc.capacityKey,
        resourceName: acc.resourceName,
        devicesPerReplica: per,
        minReplicas,
        maxReplicas,
        minDevices: minReplicas * per,
        maxDevices: maxReplicas === undefined ? undefined : maxReplicas * per,
        maxNodes: perNode && maxReplicas !== undefined ? Math.ceil(maxReplicas / perNode) : undefined,
        knativeFlags,
        rolloutRole: version.role,
      });
    }
  }
  // LLM services: one entry per role (decode, prefill, multi-node workers), in the service's order.
  for (const svc of scope.node.root.node.findAll().filter((c): c is LlmService => c instanceof LlmService)) {
    for (const d of svc.gpuDemand) {
      out.push({
        path: svc.node.path,
        name: svc.name,
        namespace: svc.namespace,
        platform: 'kserve-llm',
        capacityKey: d.capacityKey,
        resourceName: d.resourceName,
        devicesPerReplica: d.devicesPerPod * d.podsPerReplica,
        minReplicas: d.minReplicas,
        maxReplicas: d.maxReplicas,
        minDevices: d.minDevices,
        maxDevices: d.maxDevices,
        maxNodes: d.maxNodes,
        knativeFlags: [],
        role: d.role,
      });
    }
  }
  // A stable sort: the roles of one service keep their order.
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
